export { routeReply } from './route-reply.js';
