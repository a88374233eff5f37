import express from "express";

import { handleStripeEvent } from "./billing.js";

export const router = express.Router();

router.get("/health", (_req, res) => res.send("ok"));
router.post("/webhooks/stripe", express.raw({ type: "application/json" }), handleStripeEvent);
