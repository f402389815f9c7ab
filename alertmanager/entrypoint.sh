#!/bin/sh
# Starts Alertmanager with a config written from the Telegram secret and TELEGRAM_CHAT_ID:
# Alertmanager expands no variables in its config file, and neither value belongs in the repo.
# Arguments are passed on to alertmanager (e.g. --storage.path).
#
# Only the alerts the alerting service cannot send about itself go to Telegram: the
# FleetAlerting* ones (it is down, its checks stopped, its messages are stuck or refused) and
# FleetMetricsAbsent (the exporter is down, which the service, reading Redis, cannot see). The
# service already announces the rest; here they would arrive twice. Every alert stays visible in
# Alertmanager's UI.
set -eu

token_file=${TELEGRAM_BOT_TOKEN_FILE:-/run/secrets/telegram_bot_token}
config=${ALERTMANAGER_CONFIG_FILE:-/tmp/alertmanager.yml}
api_url=${TELEGRAM_API_URL:-https://api.telegram.org}
group_wait=${ALERTMANAGER_GROUP_WAIT:-30s}
chats=$(printf '%s' "${TELEGRAM_CHAT_ID:-}" | tr ',' ' ')

fail() {
  echo "alertmanager entrypoint: $1" >&2
  exit 2
}

token=""
if [ -e "$token_file" ]; then
  [ -r "$token_file" ] || fail "cannot read $token_file (make it readable by uid $(id -u))"
  token=$(tr -d ' \t\r\n' <"$token_file")
  # Bind-mounted with its host mode: world-readable means any user on the NAS can read the token.
  if [ -n "$token" ] && [ -n "$(find "$token_file" -perm -0004 2>/dev/null)" ]; then
    echo "alertmanager entrypoint: $token_file is readable by everyone; make it 0440 with group FLEET_SECRETS_GID (README, Deployment)" >&2
  fi
fi
# The token is never echoed: it is a secret.
if [ -n "$token" ] && ! printf '%s' "$token" | grep -Eq '^[0-9]{1,20}:[A-Za-z0-9_-]{20,}$'; then
  fail "$token_file does not look like a bot token (expected <digits>:<secret>)"
fi
for chat in $chats; do
  printf '%s' "$chat" | grep -Eq '^-?[0-9]+$' || fail "TELEGRAM_CHAT_ID: '$chat' is not a numeric chat id"
done

umask 077
{
  echo 'route:'
  echo '  receiver: not-sent'
  echo '  group_by: [alertname, instance]'
  echo "  group_wait: $group_wait"
  echo '  group_interval: 5m'
  echo '  repeat_interval: 4h'
  echo '  routes:'
  echo '    - receiver: telegram'
  echo '      matchers: [alertname=~"FleetAlerting.*|FleetMetricsAbsent"]'
  echo 'receivers:'
  echo '  - name: not-sent'
  echo '  - name: telegram'
  if [ -n "$token" ] && [ -n "$chats" ]; then
    echo '    telegram_configs:'
    for chat in $chats; do
      echo "      - bot_token: '$token'"
      echo "        chat_id: $chat"
      echo "        api_url: '$api_url'"
      echo '        parse_mode: HTML'
      echo '        send_resolved: true'
    done
  else
    echo 'alertmanager entrypoint: no bot token or TELEGRAM_CHAT_ID: alerts are not sent, only shown' >&2
  fi
} >"$config"

exec alertmanager --config.file="$config" "$@"
