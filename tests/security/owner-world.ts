import * as tf from "@tensorflow/tfjs";
import { expect } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as uploadRoute } from "@/app/api/projects/[id]/uploads/route";
import { POST as importRoute } from "@/app/api/projects/[id]/imports/route";
import { GET as samplesRoute } from "@/app/api/projects/[id]/samples/route";
import { POST as saveModelRoute } from "@/app/api/projects/[id]/models/route";
import { PATCH as shareRoute } from "@/app/api/projects/[id]/share/route";
import { PATCH as embedRoute } from "@/app/api/projects/[id]/embed/route";
import { POST as createKeyRoute } from "@/app/api/projects/[id]/api-keys/route";
import { POST as eventsRoute } from "@/app/api/projects/[id]/events/route";
import { POST as feedbackRoute } from "@/app/api/projects/[id]/feedback/route";
import { POST as backboneRoute } from "@/app/api/projects/[id]/backbone/route";
import { makePng } from "@/lib/data/__fixtures__/builders";
import { tinyLayersBackbone } from "@/lib/ml/backbones/custom-testing";
import { intentDataset } from "@/lib/ml/testing";
import { trainTextClassifier } from "@/lib/ml/text/train-text";
import { db } from "@/lib/server/db";
import { call, signUp } from "@/tests/route-helpers";

/** The allowed page of the owner's embed, and a page that is not on the list. */
export const SHOP = "https://shop.example";
export const EVIL = "https://evil.example";

type User = { cookie: string; email: string; password: string };

/**
 * Everything an owner has, made through the real routes, for attacks on it: an intent bot with
 * data, a trained version, share link, embed (allowed: SHOP), API key, Playground event, feedback
 * and a pending upload; an image project with a stored picture; a custom-backbone project with
 * an uploaded backbone. `secrets` are strings of the owner that no refused answer may contain.
 * A second user (bob) has his own trained, shared bot and an API key of his own project.
 */
export interface OwnerWorld {
  alice: User & { userId: string };
  bob: User;
  bot: { id: string; name: string; versionId: string; shareSlug: string; embedSlug: string; apiSlug: string; keyId: string; keySecret: string; eventId: string; feedbackId: string; sampleId: string; uploadId: string; bundle: Uint8Array };
  image: { id: string; blobId: string };
  backbone: { id: string; contentHash: string; byteLength: number };
  bobBot: { id: string; apiSlug: string; keySecret: string; shareSlug: string; bundle: Uint8Array };
  /** Strings of the owner that no refused answer may contain (ids, email, key, slugs, names, data). */
  secrets: string[];
  /** The subset that even an allowed visitor (share page, embed on an allowed site) never gets. */
  hidden: string[];
}

const rand = () => Math.random().toString(36).slice(2, 10);

async function project(cookie: string, body: Record<string, unknown>) {
  const r = await call(createProjectRoute, { body, cookie });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json.project.id as string;
}

async function upload(cookie: string, id: string, bytes: Uint8Array | string, name: string, extra: Record<string, string> = {}) {
  const q = new URLSearchParams({ name, ...extra });
  return call(uploadRoute, {
    rawBody: typeof bytes === "string" ? bytes : new Blob([bytes as BlobPart]),
    headers: { "content-type": "application/octet-stream" },
    cookie,
    params: { id },
    url: `http://localhost:3000/api/projects/${id}/uploads?${q}`,
  });
}

async function trainedBot(seed: number): Promise<Uint8Array> {
  const data = intentDataset(6, seed);
  return (await trainTextClassifier(data, { modelType: "ngram-bag", scene: "intent-chatbot", preset: "fast", seed })).bundle;
}

async function saveBundle(cookie: string, id: string, bundle: Uint8Array) {
  const r = await call(saveModelRoute, { rawBody: new Blob([bundle as BlobPart]), headers: { "content-type": "application/octet-stream" }, cookie, params: { id } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json.version.id as string;
}

async function key(cookie: string, id: string) {
  const r = await call(createKeyRoute, { body: { name: "k" }, cookie, params: { id } });
  expect(r.status).toBe(201);
  return r.json as { secret: string; slug: string; key: { id: string } };
}

export async function buildOwnerWorld(): Promise<OwnerWorld> {
  await tf.setBackend("cpu");
  const alice = await signUp();
  const bob = await signUp();
  const userId = (await db.user.findUniqueOrThrow({ where: { email: alice.email } })).id;
  const tag = rand();
  const name = `Owner secret bot ${tag}`;
  const description = `owner-secret-description-${tag}`;
  const sampleMarker = `owner secret sample ${tag}`;
  const id = await project(alice.cookie, { name, description, scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat", "share", "embed", "api"] });

  const csv = `text,label,reply\n${sampleMarker},balance,owner-secret-reply-${tag}\nwhat is my balance,balance,owner-secret-reply-${tag}\ni lost my card,lost_card,Call us.\nmy card is gone,lost_card,Call us.\n`;
  const pre = await upload(alice.cookie, id, csv, "bot.csv");
  expect(pre.status, JSON.stringify(pre.json)).toBe(200);
  const imp = await call(importRoute, { body: { uploadId: pre.json.uploadId, mapping: pre.json.mapping }, cookie: alice.cookie, params: { id } });
  expect(imp.status, JSON.stringify(imp.json)).toBe(201);
  const pending = await upload(alice.cookie, id, "text,label\nsend money,transfer\ntransfer cash,transfer\n", "more.csv");
  expect(pending.status).toBe(200);
  const samples = await call(samplesRoute, { method: "GET", cookie: alice.cookie, params: { id }, url: "http://localhost:3000/x" });
  const sampleId = samples.json.samples[0].id as string;

  const bundle = await trainedBot(1);
  const versionId = await saveBundle(alice.cookie, id, bundle);
  const share = await call(shareRoute, { method: "PATCH", body: { enabled: true }, cookie: alice.cookie, params: { id } });
  const embed = await call(embedRoute, { method: "PATCH", body: { enabled: true, allowedOrigins: [SHOP], theme: { title: `owner-secret-title-${tag}` } }, cookie: alice.cookie, params: { id } });
  const k = await key(alice.cookie, id);
  const event = await call(eventsRoute, { body: { latencyMs: 3, label: "balance", confidence: 0.9, input: "what is my balance" }, cookie: alice.cookie, params: { id } });
  expect(event.status).toBe(201);
  const feedback = await call(feedbackRoute, { body: { eventId: event.json.id ?? event.json.event?.id, correct: false, correctLabel: "lost_card" }, cookie: alice.cookie, params: { id } });
  expect(feedback.status, JSON.stringify(feedback.json)).toBe(201);

  const imageId = await project(alice.cookie, { name: `Owner pictures ${tag}`, scene: "image-recognition", modelType: "mobilenet-transfer", interfaces: ["buttons"] });
  const png = await upload(alice.cookie, imageId, makePng(3, 2), "cat.png", { label: "cat" });
  expect(png.status).toBe(201);
  const blob = await db.sample.findFirstOrThrow({ where: { dataset: { projectId: imageId } }, select: { blobId: true } });

  const backboneId = await project(alice.cookie, { name: `Owner backbone ${tag}`, scene: "image-recognition", modelType: "custom-backbone", interfaces: ["buttons"] });
  const tiny = await tinyLayersBackbone({ shards: 1 });
  tiny.model.dispose();
  const form = new FormData();
  for (const f of tiny.files) form.append("files", new Blob([f.bytes as BlobPart]), f.name);
  const bb = await call(backboneRoute, { rawBody: form, cookie: alice.cookie, params: { id: backboneId } });
  expect(bb.status, JSON.stringify(bb.json)).toBe(201);

  const bobId = await project(bob.cookie, { name: `Bob bot ${tag}`, scene: "intent-chatbot", modelType: "ngram-bag", interfaces: ["chat", "share", "api"] });
  const bobBundle = await trainedBot(2);
  await saveBundle(bob.cookie, bobId, bobBundle);
  const bobShare = await call(shareRoute, { method: "PATCH", body: { enabled: true }, cookie: bob.cookie, params: { id: bobId } });
  const bobKey = await key(bob.cookie, bobId);

  const world: OwnerWorld = {
    alice: { ...alice, userId },
    bob,
    bot: {
      id,
      name,
      versionId,
      shareSlug: share.json.share.slug,
      embedSlug: embed.json.embed.slug,
      apiSlug: k.slug,
      keyId: k.key.id,
      keySecret: k.secret,
      eventId: event.json.id ?? event.json.event?.id,
      feedbackId: feedback.json.feedback.id,
      sampleId,
      uploadId: pending.json.uploadId,
      bundle,
    },
    image: { id: imageId, blobId: blob.blobId! },
    backbone: { id: backboneId, contentHash: bb.json.backbone.contentHash, byteLength: bb.json.backbone.byteLength },
    bobBot: { id: bobId, apiSlug: bobKey.slug, keySecret: bobKey.secret, shareSlug: bobShare.json.share.slug, bundle: bobBundle },
    secrets: [],
    hidden: [],
  };
  world.hidden = [
    alice.email,
    userId,
    alice.cookie.split("=")[1],
    sampleMarker,
    id,
    versionId,
    k.secret,
    k.slug,
    k.key.id,
    world.bot.feedbackId,
    world.bot.eventId,
    sampleId,
    imageId,
    world.image.blobId,
    backboneId,
    world.backbone.contentHash,
  ];
  world.secrets = [
    alice.email,
    userId,
    alice.cookie.split("=")[1],
    name,
    description,
    sampleMarker,
    `owner-secret-reply-${tag}`,
    `owner-secret-title-${tag}`,
    id,
    versionId,
    k.secret,
    k.slug,
    k.key.id,
    world.bot.shareSlug,
    world.bot.embedSlug,
    world.bot.feedbackId,
    world.bot.eventId,
    sampleId,
    imageId,
    world.image.blobId,
    backboneId,
    world.backbone.contentHash,
  ];
  for (const s of world.secrets) expect(typeof s === "string" && s.length >= 8, `secret ${s}`).toBe(true);
  return world;
}

/** What an attacker could change: a snapshot that must be equal before and after the attacks. */
export async function ownerState(w: OwnerWorld) {
  const projects = await db.project.findMany({
    where: { ownerId: w.alice.userId },
    orderBy: { id: "asc" },
    select: { id: true, name: true, description: true, settings: true, localDataOnly: true, activeModelVersionId: true, apiSlug: true },
  });
  const ids = projects.map((p) => p.id);
  return {
    projects,
    samples: await db.sample.findMany({ where: { dataset: { projectId: { in: ids } } }, orderBy: { id: "asc" }, select: { id: true, text: true, label: true, blobId: true } }),
    datasets: await db.dataset.findMany({ where: { projectId: { in: ids } }, orderBy: { id: "asc" }, select: { id: true, schema: true } }),
    datasetVersions: await db.datasetVersion.count({ where: { dataset: { projectId: { in: ids } } } }),
    versions: await db.modelVersion.findMany({ where: { projectId: { in: ids } }, orderBy: { id: "asc" }, select: { id: true, number: true } }),
    share: await db.shareLink.findMany({ where: { projectId: { in: ids } }, orderBy: { projectId: "asc" } }),
    embed: await db.embedSettings.findMany({ where: { projectId: { in: ids } }, orderBy: { projectId: "asc" } }),
    keys: await db.apiKey.findMany({ where: { projectId: { in: ids } }, orderBy: { id: "asc" }, select: { id: true, revokedAt: true } }),
    feedback: await db.feedbackEvent.findMany({ where: { projectId: { in: ids } }, orderBy: { id: "asc" } }),
    backbones: await db.customBackbone.findMany({ where: { projectId: { in: ids } }, orderBy: { projectId: "asc" } }),
    sessions: await db.session.count({ where: { userId: w.alice.userId } }),
    user: await db.user.findUniqueOrThrow({ where: { id: w.alice.userId }, select: { email: true, passwordHash: true, locale: true, name: true } }),
  };
}
