export { getCreditAlert, setCreditAlert, checkCreditAlerts, type CreditAlert } from './credit-alerts.js';
