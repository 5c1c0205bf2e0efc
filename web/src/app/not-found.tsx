import Link from "next/link";

export default function NotFound() {
  return (
    <section className="card">
      <h1>Page not found</h1>
      <p>
        <Link href="/">Back to the triage queue</Link>
      </p>
    </section>
  );
}
