// Order events and webhooks: pull consumers read the outbox; operators
// manage subscriptions, read the delivery log and dead letters, redeliver.
import type { OrderEventQuery, Outbox, WebhookDeliveryQuery, WebhookSubscriptionInput } from '../../engine/api.js';
import { ok, type Handlers, type Input } from '../http/handler.js';
import { nextLink } from '../http/pagination.js';
import { HttpProblem } from '../problem.js';

export function eventHandlers(outbox: Outbox): Handlers {
  const subscriptionOf = async (id: string) => {
    const subscription = await outbox.subscription(id);
    if (!subscription) throw new HttpProblem(404, `No webhook subscription ${id}.`);
    return subscription;
  };
  return {
    listOrderEvents: async ({ query }: Input<unknown, OrderEventQuery>) => ok(await outbox.events(query)),

    listWebhooks: async () => ok(await outbox.subscriptions()),

    createWebhook: async ({ body, user }: Input<WebhookSubscriptionInput>) => {
      const created = await outbox.subscribe(body, user!);
      return { status: 201, json: created, headers: { Location: `/api/webhooks/${encodeURIComponent(created.id)}` } };
    },

    getWebhook: async ({ params }: Input<unknown, unknown, { id: string }>) => ok(await subscriptionOf(params.id)),

    deleteWebhook: async ({ params, user }: Input<unknown, unknown, { id: string }>) => {
      await outbox.unsubscribe(params.id, user!);
      return { status: 204 };
    },

    listWebhookChanges: async ({ params, query, req }: Input<unknown, { after: number; limit: number }, { id: string }>) => {
      const page = await outbox.subscriptionChanges(params.id, query);
      if (!page) throw new HttpProblem(404, `No webhook subscription ${params.id}, now or before.`);
      return { ...ok(page), headers: nextLink(req, page.next) };
    },

    listWebhookDeliveries: async ({ params, query, req }: Input<unknown, Omit<WebhookDeliveryQuery, 'subscriptionId'>, { id: string }>) => {
      await subscriptionOf(params.id);
      const page = await outbox.deliveries({ ...query, subscriptionId: params.id });
      return { ...ok(page), headers: nextLink(req, page.next) };
    },

    listDeadLetters: async ({ query, req }: Input<unknown, Omit<WebhookDeliveryQuery, 'status'>>) => {
      const page = await outbox.deliveries({ ...query, status: 'dead' });
      return { ...ok(page), headers: nextLink(req, page.next) };
    },

    redeliverWebhook: async ({ params }: Input<unknown, unknown, { id: string }>) => ok(await outbox.redeliver(params.id)),
  };
}
