export const POST = async (request: Request) => {
  const secret = process.env["CLERK_WEBHOOK_SECRET"];
  return new Response("ok");
};
