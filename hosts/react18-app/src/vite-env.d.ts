interface ImportMetaEnv {
  /** The exporter's status document URL. @defaultValue 'http://nas:8790/api/agent-office/nodes' */
  readonly VITE_FLEET_ENDPOINT?: string;
}
