import type { AnyEndpoint } from '../../http/endpoint.js';
import { createCustomerEndpoint } from './customers/create.js';
import { deleteCustomerEndpoint } from './customers/delete.js';
import { listCustomersEndpoint } from './customers/list.js';
import { retrieveCustomerEndpoint } from './customers/retrieve.js';
import { updateCustomerEndpoint } from './customers/update.js';
import { listEventsEndpoint } from './events/list.js';
import { retrieveEventEndpoint } from './events/retrieve.js';
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
  retrieveClockEndpoint,
  advanceClockEndpoint,
];
