"use client";

/**
 * Widgets of the FAQ, entity, recommendation and multi-label scenes. They only render what a
 * model running in this browser returns (through `predict`), so the Playground, the share page and
 * the embed use them alike. Everything the model or the user wrote is rendered as text.
 */
import { useTranslations } from "next-intl";
import { useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import type { ClassPrediction, EntityPrediction, Recommendation, RegressionPrediction, RetrievalPrediction, TagPrediction } from "@/lib/ml/types";
import type { TabularPreprocessing } from "@/lib/ml/tabular/preprocess";
import { ConfidenceBars } from "./confidence-bars";
import { imageFromFile } from "./image-widget";
import type { PredictorInput } from "@/lib/ml/predictor";
import type { ModelRunner } from "./use-model-runner";

export type PredictFn = (inputs: PredictorInput[], options?: { topK?: number }) => Promise<unknown[]>;

const pct = (x: number) => `${Math.round(x * 100)}%`;

/* FAQ: the best answer, up to three related questions as buttons, a fallback below the threshold. */

interface FaqTurn {
  id: number;
  from: "user" | "bot";
  text: string;
  confidence?: number;
  related?: string[];
}

export function FaqChat({ predict, threshold = 0.3 }: { predict: PredictFn; threshold?: number }) {
  const t = useTranslations("widgets");
  const [turns, setTurns] = useState<FaqTurn[]>([]);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const next = useRef(1);

  async function ask(question: string) {
    const q = question.trim();
    if (!q || busy) return;
    setBusy(true);
    setTurns((ts) => [...ts, { id: next.current++, from: "user", text: q }]);
    try {
      const [p] = (await predict([q], { topK: 3 })) as RetrievalPrediction[];
      const related = p.related.map((r) => r.question);
      const bot: FaqTurn =
        p.confidence >= threshold
          ? { id: next.current++, from: "bot", text: p.answer, confidence: p.confidence, related }
          : { id: next.current++, from: "bot", text: t("faqFallback"), confidence: p.confidence, related: [p.question, ...related].slice(0, 3) };
      setTurns((ts) => [...ts, bot]);
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void ask(text);
    setText("");
  }

  return (
    <div className="space-y-3" data-testid="faq-chat">
      <ol className="space-y-2">
        {turns.map((turn) => (
          <li key={turn.id} className={turn.from === "user" ? "text-right" : ""} data-testid={`turn-${turn.from}`}>
            <div className={`inline-block max-w-[85%] rounded-2xl px-3 py-2 text-left ${turn.from === "user" ? "bg-brand-600 text-white" : "bg-slate-100"}`}>
              <p className="whitespace-pre-wrap break-words">{turn.text}</p>
              {turn.confidence !== undefined ? <p className="mt-1 text-xs text-slate-500">{t("confidence", { value: pct(turn.confidence) })}</p> : null}
            </div>
            {turn.related?.length ? (
              <div className="mt-1 flex flex-wrap gap-2">
                <span className="text-xs text-slate-500">{t("relatedQuestions")}</span>
                {turn.related.map((q) => (
                  <button key={q} type="button" className="rounded-full border border-brand-300 px-3 py-1 text-sm text-brand-700 hover:bg-brand-50" onClick={() => void ask(q)} data-testid="related-question">
                    {q}
                  </button>
                ))}
              </div>
            ) : null}
          </li>
        ))}
      </ol>
      <form onSubmit={submit} className="flex gap-2">
        <input
          className="min-w-0 flex-1 rounded-lg border border-slate-300 px-3 py-2"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t("askPlaceholder")}
          aria-label={t("askPlaceholder")}
          maxLength={2000}
        />
        <Button type="submit" disabled={busy || !text.trim()}>
          {t("send")}
        </Button>
      </form>
    </div>
  );
}

/* Entities: the input with each entity highlighted and typed, plus the slots as JSON. */

const ENTITY_COLOURS = ["bg-amber-100 text-amber-900", "bg-sky-100 text-sky-900", "bg-emerald-100 text-emerald-900", "bg-fuchsia-100 text-fuchsia-900", "bg-orange-100 text-orange-900", "bg-lime-100 text-lime-900"];

export function slotsOf(p: EntityPrediction): Record<string, string[]> {
  const slots: Record<string, string[]> = {};
  for (const e of p.entities) (slots[e.type] ??= []).push(e.text);
  return slots;
}

export function EntityWidget({ predict, types }: { predict: PredictFn; types: readonly string[] }) {
  const t = useTranslations("widgets");
  const [text, setText] = useState("");
  const [result, setResult] = useState<{ text: string; prediction: EntityPrediction } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const input = text.trim();
    if (!input) return;
    setBusy(true);
    try {
      const [p] = (await predict([input])) as EntityPrediction[];
      setResult({ text: input, prediction: p });
    } finally {
      setBusy(false);
    }
  }

  const colour = (type: string) => ENTITY_COLOURS[Math.max(0, types.indexOf(type)) % ENTITY_COLOURS.length];
  const pieces: { text: string; type?: string }[] = [];
  if (result) {
    let at = 0;
    for (const e of [...result.prediction.entities].sort((a, b) => a.start - b.start)) {
      if (e.start < at) continue;
      if (e.start > at) pieces.push({ text: result.text.slice(at, e.start) });
      pieces.push({ text: result.text.slice(e.start, e.end), type: e.type });
      at = e.end;
    }
    if (at < result.text.length) pieces.push({ text: result.text.slice(at) });
  }

  return (
    <div className="space-y-3" data-testid="entity-widget">
      <form onSubmit={submit} className="flex gap-2">
        <input
          className="min-w-0 flex-1 rounded-lg border border-slate-300 px-3 py-2"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t("entityPlaceholder")}
          aria-label={t("entityPlaceholder")}
          maxLength={2000}
        />
        <Button type="submit" disabled={busy || !text.trim()}>
          {t("findEntities")}
        </Button>
      </form>
      {result ? (
        <div className="space-y-2">
          <p className="whitespace-pre-wrap break-words rounded-xl border border-slate-200 bg-white p-3 leading-8" data-testid="highlighted">
            {pieces.map((piece, i) =>
              piece.type ? (
                <mark key={i} className={`rounded px-1 ${colour(piece.type)}`} data-testid="entity" data-type={piece.type}>
                  {piece.text}
                  <span className="ml-1 text-[10px] font-semibold uppercase">{piece.type}</span>
                </mark>
              ) : (
                <span key={i}>{piece.text}</span>
              ),
            )}
          </p>
          {result.prediction.entities.length === 0 ? <p className="text-sm text-slate-600">{t("noEntities")}</p> : null}
          <div>
            <p className="text-xs text-slate-500">{t("slotsJson")}</p>
            <pre className="overflow-x-auto rounded-lg bg-slate-900 p-3 text-xs text-slate-100" data-testid="slots-json">
              {JSON.stringify(slotsOf(result.prediction), null, 2)}
            </pre>
          </div>
        </div>
      ) : null}
    </div>
  );
}

/* Recommendation: pick a known user or rate a few items as a new visitor; top-N items as buttons. */

export function RecommendWidget({ predict, users, items }: { predict: PredictFn; users: readonly string[]; items: readonly string[] }) {
  const t = useTranslations("widgets");
  const [mode, setMode] = useState<"user" | "new">(users.length ? "user" : "new");
  const [user, setUser] = useState(users[0] ?? "");
  const [liked, setLiked] = useState<string[]>([]);
  const [result, setResult] = useState<Recommendation | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function recommend() {
    setBusy(true);
    setChosen(null);
    try {
      const query = mode === "user" ? { user } : { ratings: liked.map((item) => ({ item })) };
      const [r] = (await predict([query], { topK: 10 })) as Recommendation[];
      setResult(r);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-3" data-testid="recommend-widget">
      <div className="flex flex-wrap gap-4 text-sm">
        <label className="flex items-center gap-2">
          <input type="radio" name="rec-mode" checked={mode === "user"} disabled={!users.length} onChange={() => setMode("user")} />
          {t("knownUser")}
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="rec-mode" checked={mode === "new"} onChange={() => setMode("new")} />
          {t("newVisitor")}
        </label>
      </div>
      {mode === "user" ? (
        <label className="block text-sm">
          <span className="text-slate-700">{t("pickUser")}</span>
          <select className="mt-1 block w-full max-w-xs rounded-lg border border-slate-300 bg-white px-2 py-1" value={user} onChange={(e) => setUser(e.target.value)} data-testid="rec-user">
            {users.map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <fieldset className="text-sm">
          <legend className="text-slate-700">{t("pickLiked")}</legend>
          <div className="mt-1 flex max-h-40 flex-wrap gap-2 overflow-y-auto">
            {items.slice(0, 60).map((item) => (
              <label key={item} className="flex items-center gap-1 rounded-full border border-slate-200 px-2 py-0.5">
                <input type="checkbox" checked={liked.includes(item)} onChange={(e) => setLiked((l) => (e.target.checked ? [...l, item] : l.filter((x) => x !== item)))} />
                {item}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <Button onClick={() => void recommend()} disabled={busy || (mode === "user" && !user)} data-testid="recommend">
        {t("recommend")}
      </Button>
      {result ? (
        <div>
          <p className="text-xs text-slate-500">{t(`recSource.${result.source}`)}</p>
          <div className="mt-2 flex flex-wrap gap-2" data-testid="rec-items">
            {result.items.map((it) => (
              <button
                key={it.item}
                type="button"
                className={`rounded-full border px-3 py-1 text-sm ${chosen === it.item ? "border-brand-600 bg-brand-600 text-white" : "border-brand-300 text-brand-700 hover:bg-brand-50"}`}
                onClick={() => setChosen(it.item)}
                data-testid="rec-item"
              >
                {it.item}
              </button>
            ))}
          </div>
          {chosen ? <p className="mt-2 text-sm text-slate-700">{t("recChosen", { item: chosen })}</p> : null}
        </div>
      ) : null}
    </div>
  );
}

/* Multi-label tags: every tag at or above its threshold, with the scores of all tags. */

export function TagList({ prediction }: { prediction: TagPrediction }) {
  const t = useTranslations("widgets");
  return (
    <div data-testid="tag-result">
      {prediction.tags.length ? (
        <div className="flex flex-wrap gap-2">
          {prediction.tags.map((tag) => (
            <span key={tag.label} className="rounded-full bg-brand-100 px-3 py-1 text-sm text-brand-900" data-testid="tag">
              {tag.label} · {pct(tag.confidence)}
            </span>
          ))}
        </div>
      ) : (
        <p className="text-sm text-slate-600">{t("noTags")}</p>
      )}
      <ul className="mt-2 space-y-1">
        {prediction.scores.map((s) => (
          <li key={s.label} className="grid grid-cols-[8rem_1fr_3rem] items-center gap-2 text-xs">
            <span className="truncate">{s.label}</span>
            <span className="h-2 rounded bg-slate-100">
              <span className="block h-2 rounded bg-brand-500" style={{ width: `${Math.round(s.confidence * 100)}%` }} />
            </span>
            <span className="text-right tabular-nums">{pct(s.confidence)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}


/** Picture drop → every tag above its threshold. */
export function TagWidget({ predict }: { predict: PredictFn }) {
  const t = useTranslations("widgets");
  const [tagged, setTagged] = useState<{ url: string; prediction: TagPrediction } | null>(null);
  return (
    <div className="space-y-3" data-testid="tag-widget">
      <label className="block cursor-pointer rounded-2xl border-2 border-dashed border-slate-300 bg-white p-6 text-center text-sm">
        {t("pickPicture")}
        <input
          type="file"
          accept="image/jpeg,image/png,image/webp"
          className="sr-only"
          data-testid="playground-image"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            const [prediction] = (await predict([await imageFromFile(file)])) as TagPrediction[];
            setTagged({ url: URL.createObjectURL(file), prediction });
          }}
        />
      </label>
      {tagged ? (
        <div className="flex gap-4 rounded-xl border border-slate-200 bg-white p-4">
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={tagged.url} alt="" className="h-32 w-32 rounded object-cover" />
          <div className="flex-1">
            <TagList prediction={tagged.prediction} />
          </div>
        </div>
      ) : null}
    </div>
  );
}

/* Tabular prediction: a form with one field per column; the answer is a class or a value. */

export function TabularForm({ predict, tabular }: { predict: PredictFn; tabular: TabularPreprocessing }) {
  const t = useTranslations("widgets");
  const [values, setValues] = useState<Record<string, string>>({});
  const [result, setResult] = useState<{ kind: "class"; p: ClassPrediction } | { kind: "value"; value: number } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      // No prototype: a column called "__proto__" is sent as data like any other.
      const row: Record<string, string | number | null> = Object.create(null);
      for (const c of tabular.columns) {
        const v = (values[c.name] ?? "").trim();
        row[c.name] = v === "" ? null : c.kind === "numeric" ? Number(v) : v;
      }
      const [p] = (await predict([row], { topK: 3 })) as (ClassPrediction | RegressionPrediction)[];
      setResult("label" in p ? { kind: "class", p } : { kind: "value", value: p.value });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="space-y-3" data-testid="tabular-form">
      <div className="grid gap-3 sm:grid-cols-2">
        {tabular.columns.map((c) => (
          <label key={c.name} className="block text-sm">
            <span className="text-slate-700">{c.name}</span>
            {c.kind === "categorical" ? (
              <select
                className="mt-1 block w-full rounded-lg border border-slate-300 bg-white px-2 py-1"
                value={values[c.name] ?? ""}
                onChange={(e) => setValues({ ...values, [c.name]: e.target.value })}
                data-testid={`field-${c.name}`}
              >
                <option value="">{t("unknownValue")}</option>
                {c.categories.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            ) : (
              <input
                type={c.kind === "numeric" ? "number" : "text"}
                step="any"
                className="mt-1 block w-full rounded-lg border border-slate-300 px-2 py-1"
                placeholder={c.kind === "numeric" ? t("typicalValue", { value: Math.round(c.mean * 100) / 100 }) : ""}
                value={values[c.name] ?? ""}
                onChange={(e) => setValues({ ...values, [c.name]: e.target.value })}
                data-testid={`field-${c.name}`}
              />
            )}
          </label>
        ))}
      </div>
      <Button type="submit" disabled={busy} data-testid="tabular-predict">
        {t("predict")}
      </Button>
      {result ? (
        <div className="rounded-xl border border-slate-200 bg-white p-4" data-testid="tabular-result">
          {result.kind === "class" ? (
            <>
              <p className="font-medium">{t("predictedClass", { target: tabular.target.name, label: result.p.label, confidence: pct(result.p.confidence) })}</p>
              <ConfidenceBars prediction={result.p} />
            </>
          ) : (
            <p className="font-medium" data-testid="tabular-value">
              {t("predictedValue", { target: tabular.target.name, value: Number(result.value.toPrecision(4)) })}
            </p>
          )}
        </div>
      ) : null}
    </form>
  );
}

/** The widget of a scene in SCENE_WIDGET_SCENES, run by a ModelRunner (Playground, share page, embed). */
export function SceneWidget({ scene, runner }: { scene: string; runner: ModelRunner }) {
  const m = runner.manifest;
  const predict: PredictFn = runner.predictMany;
  switch (scene) {
    case "faq-retrieval":
      return <FaqChat predict={predict} />;
    case "entity-extraction":
      return <EntityWidget predict={predict} types={m ? [...new Set(m.labels.map((l) => l.replace(/^[BI]-/, "")).filter((l) => l !== "O"))] : []} />;
    case "recommendation":
      // Needs the model's user and item lists: shown once the bundle is loaded.
      return m?.payload?.kind === "ranking" ? <RecommendWidget predict={predict} users={m.payload.users} items={m.payload.items} /> : null;
    case "image-tagging":
      return <TagWidget predict={predict} />;
    case "tabular-prediction":
      return m?.preprocessing.kind === "tabular" ? <TabularForm predict={predict} tabular={m.preprocessing.tabular} /> : null;
    default:
      return null;
  }
}
