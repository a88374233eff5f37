import { describe, expect, it } from "vitest";

import app from "./index";

describe("app", () => {
  it("says hello", async () => {
    const response = await app.request("/");
    expect(await response.text()).toBe("Hello Hono!");
  });
});
