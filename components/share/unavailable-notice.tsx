/** The calm page a visitor sees for a link or widget that is off, expired, replaced or not allowed. */
export function UnavailableNotice({ title, body }: { title: string; body: string }) {
  return (
    <div className="mx-auto max-w-lg rounded-2xl border border-slate-200 bg-white p-8 text-center" data-testid="link-unavailable" role="status">
      <p aria-hidden className="text-3xl">
        🔒
      </p>
      <h1 className="mt-2 text-xl font-semibold">{title}</h1>
      <p className="mt-2 text-slate-600">{body}</p>
    </div>
  );
}
