// Grafana provisioning for the compose stack (docker-compose.yml mounts
// dashboards/grafana/provisioning at /etc/grafana/provisioning and dashboards/grafana/dashboards
// at GRAFANA_DASHBOARDS_DIR).

/** Fixed uid of the provisioned Prometheus datasource, so dashboards can name it. */
export const DATASOURCE_UID = 'fleet-prometheus';
/** Stable dashboard uid: its URL is /d/fleet-overview. */
export const DASHBOARD_UID = 'fleet-overview';
/** Where the dashboard JSON files are inside the Grafana container. */
export const GRAFANA_DASHBOARDS_DIR = '/etc/grafana/dashboards';
/** The Prometheus service as Grafana reaches it on the compose network. */
export const PROMETHEUS_URL = 'http://prometheus:9090';
/** Prometheus's scrape interval (prometheus.yml); Grafana sizes $__rate_interval from it. */
export const SCRAPE_INTERVAL = '15s';

/** provisioning/datasources/prometheus.yml */
export function datasourceProvisioning() {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        uid: DATASOURCE_UID,
        type: 'prometheus',
        access: 'proxy',
        url: PROMETHEUS_URL,
        isDefault: true,
        editable: false,
        jsonData: { timeInterval: SCRAPE_INTERVAL, httpMethod: 'POST' },
      },
    ],
  };
}

/** provisioning/dashboards/fleet-monitor.yml */
export function dashboardProvisioning() {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'fleet-monitor',
        folder: 'Fleet monitor',
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: GRAFANA_DASHBOARDS_DIR, foldersFromFilesStructure: false },
      },
    ],
  };
}
