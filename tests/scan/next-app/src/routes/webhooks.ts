import { Router } from "express";

export const webhooks = Router();
webhooks.post("/resend", (req, res) => res.sendStatus(200));
