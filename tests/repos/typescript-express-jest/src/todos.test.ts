import { listTodos } from "./todos";

describe("listTodos", () => {
  it("lists the todos", () => {
    expect(listTodos()).toEqual([{ id: 1, title: "write tests" }]);
  });
});
