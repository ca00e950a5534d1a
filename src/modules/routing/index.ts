export { saveConnector, listConnectors, removeConnector, listRoutes, setRoutes, ensureDefaultConnector, routeFor, type ConnectorInput } from './connectors.js';
export type { ConnectorRow, RouteRow } from './routing.repository.js';
export { reportConnectorStatus, withdrawConnectorStatus, readConnectorHealth, readSmsQueue, REPORT_EVERY_MS, type ConnectorHealth, type SmsQueue, type StatusReport } from './connector-health.js';
