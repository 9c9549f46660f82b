// Sales order entry: one order, one order-to-cash instance, keyed by orderNo.
import type { Runtime } from '../../engine/api.js';
import { StratumError } from '../../engine/errors.js';
import type { Handlers, Input } from '../http/handler.js';
import { HttpProblem } from '../problem.js';
import type { PaymentTerms } from '../schemas/requests.js';
import { requestHash } from '../http/request-hash.js';
import { instanceReply } from './instances.js';

export interface OrderBody {
  orderNo: string;
  customer: { name: string; [field: string]: string };
  amount: number;
  currency: string;
  paymentTerms: PaymentTerms;
  specialChange?: { description: string };
}

export function orderHandlers(runtime: Runtime, orderProcessKey: string): Handlers {
  return {
    postOrder: async ({ body, user }: Input<OrderBody>) => {
      const { orderNo, customer, amount, currency, paymentTerms, specialChange } = body;
      try {
        const result = await runtime.start(orderProcessKey, {
          businessKey: orderNo,
          variables: { orderNo, customer, amount, currency, paymentTerms, specialChange: specialChange ?? null },
          user: user!.name,
          idempotency: { scope: 'order', key: orderNo, requestHash: requestHash(body) },
        });
        return instanceReply(result);
      } catch (error) {
        if (error instanceof StratumError && error.code === 'not-found') {
          throw new HttpProblem(503, `Orders cannot be entered: the process ${orderProcessKey} is not deployed.`);
        }
        if (error instanceof StratumError && error.code === 'conflict') {
          throw new HttpProblem(409, `Order ${orderNo} was already entered with different data: ${error.message}`);
        }
        throw error;
      }
    },
  };
}
