export interface Todo {
  id: number;
  title: string;
}

export function listTodos(): Todo[] {
  return [{ id: 1, title: "write tests" }];
}
