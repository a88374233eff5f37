export class ResendProvider {
  key = process.env.RESEND_API_KEY;
}
