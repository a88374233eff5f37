import Stripe from "stripe";

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);

export async function POST(request: Request) {
  const secret = process.env.STRIPE_WEBHOOK_SECRET!;
  return new Response(null, { status: 200 });
}
