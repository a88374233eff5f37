/** A tiny order service: the app that integrations are added to. */

export interface Order {
  id: string;
  amountCents: number;
  currency: string;
}

export function formatAmount(order: Order): string {
  const value = (order.amountCents / 100).toFixed(2);
  return `${value} ${order.currency.toUpperCase()}`;
}

export function totalCents(orders: readonly Order[]): number {
  return orders.reduce((sum, order) => sum + order.amountCents, 0);
}
