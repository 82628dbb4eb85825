import type { AnyEndpoint } from '../../http/endpoint.js';
import { createCheckoutLinkEndpoint } from './checkout_links/create.js';
import { listLinkLineItemsEndpoint } from './checkout_links/line-items.js';
import { listCheckoutLinksEndpoint } from './checkout_links/list.js';
import { retrieveCheckoutLinkEndpoint } from './checkout_links/retrieve.js';
import { updateCheckoutLinkEndpoint } from './checkout_links/update.js';
import { confirmClientSessionEndpoint, retrieveClientViewEndpoint, updateClientDetailsEndpoint } from './checkout_sessions/client.js';
import { createCheckoutSessionEndpoint } from './checkout_sessions/create.js';
import { expireCheckoutSessionEndpoint } from './checkout_sessions/expire.js';
import { listSessionLineItemsEndpoint } from './checkout_sessions/line-items.js';
import { listCheckoutSessionsEndpoint } from './checkout_sessions/list.js';
import { retrieveCheckoutSessionEndpoint } from './checkout_sessions/retrieve.js';
import { updateCheckoutSessionEndpoint } from './checkout_sessions/update.js';
import { cancelOrderEndpoint } from './orders/cancel.js';
import { completeOrderEndpoint } from './orders/complete.js';
import { createOrderEndpoint } from './orders/create.js';
import { listOrdersEndpoint } from './orders/list.js';
import { retrieveOrderEndpoint } from './orders/retrieve.js';
import { updateOrderEndpoint } from './orders/update.js';
import { createCustomerEndpoint } from './customers/create.js';
import { deleteCustomerEndpoint } from './customers/delete.js';
import { listCustomersEndpoint } from './customers/list.js';
import { listCustomerPaymentMethodsEndpoint } from './customers/list-payment-methods.js';
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

import { createApiKeyEndpoint } from './api_keys/create.js';
import { listApiKeysEndpoint } from './api_keys/list.js';
import { retrieveApiKeyEndpoint } from './api_keys/retrieve.js';
import { revokeApiKeyEndpoint } from './api_keys/revoke.js';
import { rollApiKeyEndpoint } from './api_keys/roll.js';
import { createWebhookEndpointEndpoint } from './webhook_endpoints/create.js';
import { deleteWebhookEndpointEndpoint } from './webhook_endpoints/delete.js';
import { listDeliveryAttemptsEndpoint } from './webhook_endpoints/delivery-attempts.js';
import { listWebhookEndpointsEndpoint } from './webhook_endpoints/list.js';
import { retrieveWebhookEndpointEndpoint } from './webhook_endpoints/retrieve.js';
import { rotateWebhookSecretEndpoint } from './webhook_endpoints/rotate-secret.js';
import { sendTestEventEndpoint } from './webhook_endpoints/send-test-event.js';
import { updateWebhookEndpointEndpoint } from './webhook_endpoints/update.js';

import { listChargesEndpoint } from './charges/list.js';
import { retrieveChargeEndpoint } from './charges/retrieve.js';
import { cancelPaymentIntentEndpoint } from './payment_intents/cancel.js';
import { capturePaymentIntentEndpoint } from './payment_intents/capture.js';
import { confirmPaymentIntentEndpoint } from './payment_intents/confirm.js';
import { createPaymentIntentEndpoint } from './payment_intents/create.js';
import { listPaymentIntentsEndpoint } from './payment_intents/list.js';
import { refundPaymentIntentEndpoint } from './payment_intents/refund.js';
import { retrievePaymentIntentEndpoint } from './payment_intents/retrieve.js';
import { updatePaymentIntentEndpoint } from './payment_intents/update.js';
import { attachPaymentMethodEndpoint } from './payment_methods/attach.js';
import { createPaymentMethodEndpoint } from './payment_methods/create.js';
import { detachPaymentMethodEndpoint } from './payment_methods/detach.js';
import { listPaymentMethodsEndpoint } from './payment_methods/list.js';
import { retrievePaymentMethodEndpoint } from './payment_methods/retrieve.js';
import { createRefundEndpoint } from './refunds/create.js';
import { listRefundsEndpoint } from './refunds/list.js';
import { retrieveRefundEndpoint } from './refunds/retrieve.js';
import { updateRefundEndpoint } from './refunds/update.js';
import { cancelSetupIntentEndpoint } from './setup_intents/cancel.js';
import { confirmSetupIntentEndpoint } from './setup_intents/confirm.js';
import { createSetupIntentEndpoint } from './setup_intents/create.js';
import { listSetupIntentsEndpoint } from './setup_intents/list.js';
import { retrieveSetupIntentEndpoint } from './setup_intents/retrieve.js';
import { updateSetupIntentEndpoint } from './setup_intents/update.js';

/** Every endpoint of the API. A new endpoint is added here and nowhere else. */
export const endpoints: AnyEndpoint[] = [
  createCustomerEndpoint,
  listCustomersEndpoint,
  listCustomerPaymentMethodsEndpoint,
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
  createWebhookEndpointEndpoint,
  listWebhookEndpointsEndpoint,
  retrieveWebhookEndpointEndpoint,
  updateWebhookEndpointEndpoint,
  deleteWebhookEndpointEndpoint,
  rotateWebhookSecretEndpoint,
  sendTestEventEndpoint,
  listDeliveryAttemptsEndpoint,
  createApiKeyEndpoint,
  listApiKeysEndpoint,
  retrieveApiKeyEndpoint,
  revokeApiKeyEndpoint,
  rollApiKeyEndpoint,
  createPaymentIntentEndpoint,
  listPaymentIntentsEndpoint,
  retrievePaymentIntentEndpoint,
  updatePaymentIntentEndpoint,
  confirmPaymentIntentEndpoint,
  capturePaymentIntentEndpoint,
  cancelPaymentIntentEndpoint,
  refundPaymentIntentEndpoint,
  listChargesEndpoint,
  retrieveChargeEndpoint,
  createRefundEndpoint,
  listRefundsEndpoint,
  retrieveRefundEndpoint,
  updateRefundEndpoint,
  createPaymentMethodEndpoint,
  listPaymentMethodsEndpoint,
  retrievePaymentMethodEndpoint,
  attachPaymentMethodEndpoint,
  detachPaymentMethodEndpoint,
  createSetupIntentEndpoint,
  listSetupIntentsEndpoint,
  retrieveSetupIntentEndpoint,
  updateSetupIntentEndpoint,
  confirmSetupIntentEndpoint,
  cancelSetupIntentEndpoint,
  createCheckoutSessionEndpoint,
  listCheckoutSessionsEndpoint,
  retrieveCheckoutSessionEndpoint,
  updateCheckoutSessionEndpoint,
  expireCheckoutSessionEndpoint,
  listSessionLineItemsEndpoint,
  retrieveClientViewEndpoint,
  updateClientDetailsEndpoint,
  confirmClientSessionEndpoint,
  createOrderEndpoint,
  listOrdersEndpoint,
  retrieveOrderEndpoint,
  updateOrderEndpoint,
  cancelOrderEndpoint,
  completeOrderEndpoint,
  createCheckoutLinkEndpoint,
  listCheckoutLinksEndpoint,
  retrieveCheckoutLinkEndpoint,
  listLinkLineItemsEndpoint,
  updateCheckoutLinkEndpoint,
];
