export { getSmsPriceList, priceForCountry, setSmsPrice, removeSmsPrice, type SmsPriceList } from './sms-prices.js';
