import express from "express";

import { listTodos } from "./todos";

export const app = express();

// Every route below reads JSON bodies.
app.use(express.json());
app.use(express.urlencoded({ extended: true }));

app.get("/todos", (_req, res) => {
  res.json(listTodos());
});

app.post("/echo", (req, res) => {
  res.json({ received: req.body });
});
