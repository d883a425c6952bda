import { session } from "../../auth/session";

export function HomePage() {
  const me = session.me();
  return (
    <section>
      <h1>Welcome{me ? `, ${me.username}` : ""}</h1>
      <p>Choose an area from the navigation.</p>
    </section>
  );
}
