export { saveConnector, listConnectors, removeConnector, listRoutes, setRoutes, ensureDefaultConnector, routeFor, type ConnectorInput } from './connectors.js';
export type { ConnectorRow, RouteRow } from './routing.repository.js';
