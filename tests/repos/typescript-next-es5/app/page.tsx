import { greeting } from "@/lib/greeting";

export default function Home() {
  return <main>{greeting("world")}</main>;
}
