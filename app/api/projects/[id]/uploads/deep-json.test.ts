import { beforeAll, describe, expect, it } from "vitest";
import { POST as createProjectRoute } from "@/app/api/projects/route";
import { POST as uploadRoute } from "./route";
import { call, signUp } from "@/tests/route-helpers";

// A JSONL line nested half a million levels deep used to overflow the stack after parsing (a 500).
const LEVELS = 500_000;
const deepLine = (key: string) => `{"${key}": ${"[".repeat(LEVELS)}${"]".repeat(LEVELS)}}`;

let cookie: string;
beforeAll(async () => {
  ({ cookie } = await signUp());
});

async function newProject(scene: string, modelType: string) {
  const r = await call(createProjectRoute, { body: { name: `${scene}-${Math.random()}`, scene, modelType, interfaces: ["chat"] }, cookie });
  expect(r.status).toBe(201);
  return r.json.project.id as string;
}

function upload(id: string, text: string, name: string, locale = "en") {
  return call(uploadRoute, {
    rawBody: text,
    headers: { "content-type": "application/octet-stream", "accept-language": locale },
    cookie,
    params: { id },
    url: `http://localhost:3000/api/projects/${id}/uploads?name=${encodeURIComponent(name)}`,
  });
}

describe("uploads with a JSONL line nested 500,000 levels deep", () => {
  it("entity extraction: 422 naming the row when it is the only line", async () => {
    const id = await newProject("entity-extraction", "bigru-tagger");
    const r = await upload(id, deepLine("text"), "deep.jsonl");
    expect(r.status).toBe(422);
    expect(r.json.kind).toBe("rejected");
    expect(r.json.issues).toEqual([expect.objectContaining({ row: 1, message: expect.stringMatching(/row 1: this line nests brackets more than 64 levels deep/i) })]);
  });

  it("entity extraction: the good lines are imported, the deep one is reported by row", async () => {
    const id = await newProject("entity-extraction", "bigru-tagger");
    const text = ['{"text": "I live in Paris", "entities": [[10, 15, "CITY"]]}', deepLine("entities"), '{"text": "Rome is big", "entities": [[0, 4, "CITY"]]}'].join("\n");
    const r = await upload(id, text, "mixed.jsonl");
    expect(r.status).toBe(201);
    expect(r.json.added).toBe(2);
    expect(r.json.issues).toEqual([expect.objectContaining({ row: 2, message: expect.stringMatching(/row 2: this line nests brackets/i) })]);
  });

  it("FAQ: 422 naming the row, in the user's language", async () => {
    const id = await newProject("faq-retrieval", "bm25");
    const r = await upload(id, deepLine("question"), "faq.jsonl", "zh-CN");
    expect(r.status).toBe(422);
    expect(r.json.issues).toEqual([expect.objectContaining({ row: 1, message: expect.stringMatching(/第 1 行.*括号嵌套超过 64 层/) })]);
  });
});
