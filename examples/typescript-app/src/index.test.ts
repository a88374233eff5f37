import { describe, expect, it } from "vitest";

import { formatAmount, totalCents } from "./index.js";

describe("orders", () => {
  it("formats an amount in major units", () => {
    expect(formatAmount({ id: "o1", amountCents: 1999, currency: "eur" })).toBe("19.99 EUR");
  });

  it("sums order amounts", () => {
    expect(
      totalCents([
        { id: "o1", amountCents: 500, currency: "usd" },
        { id: "o2", amountCents: 250, currency: "usd" },
      ]),
    ).toBe(750);
  });
});
