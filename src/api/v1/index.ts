import type { AnyEndpoint } from '../../http/endpoint.js';
import { createCustomerEndpoint } from './customers/create.js';
import { deleteCustomerEndpoint } from './customers/delete.js';
import { listCustomersEndpoint } from './customers/list.js';
import { retrieveCustomerEndpoint } from './customers/retrieve.js';
import { updateCustomerEndpoint } from './customers/update.js';
import { listEventsEndpoint } from './events/list.js';
import { retrieveEventEndpoint } from './events/retrieve.js';
import { createPriceEndpoint } from './prices/create.js';
import { listPricesEndpoint } from './prices/list.js';
import { retrievePriceEndpoint } from './prices/retrieve.js';
import { updatePriceEndpoint } from './prices/update.js';
import { createProductEndpoint } from './products/create.js';
import { deleteProductEndpoint } from './products/delete.js';
import { listProductsEndpoint } from './products/list.js';
import { retrieveProductEndpoint } from './products/retrieve.js';
import { updateProductEndpoint } from './products/update.js';
import { createShippingRateEndpoint } from './shipping_rates/create.js';
import { listShippingRatesEndpoint } from './shipping_rates/list.js';
import { retrieveShippingRateEndpoint } from './shipping_rates/retrieve.js';
import { updateShippingRateEndpoint } from './shipping_rates/update.js';
import { advanceClockEndpoint, retrieveClockEndpoint } from './test_helpers/clock.js';

/** Every endpoint of the API. A new endpoint is added here and nowhere else. */
export const endpoints: AnyEndpoint[] = [
  createCustomerEndpoint,
  listCustomersEndpoint,
  retrieveCustomerEndpoint,
  updateCustomerEndpoint,
  deleteCustomerEndpoint,
  listEventsEndpoint,
  retrieveEventEndpoint,
  createProductEndpoint,
  listProductsEndpoint,
  retrieveProductEndpoint,
  updateProductEndpoint,
  deleteProductEndpoint,
  createPriceEndpoint,
  listPricesEndpoint,
  retrievePriceEndpoint,
  updatePriceEndpoint,
  createShippingRateEndpoint,
  listShippingRatesEndpoint,
  retrieveShippingRateEndpoint,
  updateShippingRateEndpoint,
  retrieveClockEndpoint,
  advanceClockEndpoint,
];
