import { describe, expect, it } from "vitest";
import { fillReplyTemplate, resolvePlaceholderType, templatePlaceholders, type TemplateEntity } from "./reply-template";

const TYPES = ["CITY", "DATE", "PERSON", "TIME"];
const ctx = (defaults: Record<string, string> = {}) => ({ types: TYPES, defaults });

/** Entities as the tagger reports them: offsets into `text`. */
function found(text: string, spans: [string, string][]): TemplateEntity[] {
  return spans.map(([type, value]) => {
    const start = text.indexOf(value);
    if (start < 0) throw new Error(`${value} not in ${text}`);
    return { type, text: value, start };
  });
}

describe("fillReplyTemplate", () => {
  it("fills each {TYPE} with the entity of that type from the visitor's text", () => {
    const text = "a table for Anna at 7 pm please";
    const out = fillReplyTemplate("Booking a table for {PERSON} at {TIME}.", found(text, [["PERSON", "Anna"], ["TIME", "7 pm"]]), ctx());
    expect(out).toBe("Booking a table for Anna at 7 pm.");
  });

  it("matches the type whatever its case; an exact type wins over a case-insensitive one", () => {
    const entities = found("Anna at 7 pm", [["PERSON", "Anna"], ["TIME", "7 pm"]]);
    expect(fillReplyTemplate("{person} / {Person} / {time}", entities, ctx())).toBe("Anna / Anna / 7 pm");
    expect(resolvePlaceholderType("person", ["Person", "PERSON"])).toBe("Person");
    expect(resolvePlaceholderType("PERSON", ["Person", "PERSON"])).toBe("PERSON");
    expect(resolvePlaceholderType("NAME", TYPES)).toBeNull();
  });

  it("keeps unknown placeholders and other braces exactly as typed", () => {
    const entities = found("Paris", [["CITY", "Paris"]]);
    expect(fillReplyTemplate("{CITY} {NAME} {} { CITY } {CITY:0} {json: 1}", entities, ctx())).toBe("Paris {NAME} {} { CITY } {CITY:0} {json: 1}");
  });

  it("uses the first entity of a type (in text order) and {TYPE:2} for the second; repeated placeholders repeat it", () => {
    const text = "from Paris to Tokyo";
    // The tagger's order is not trusted: sorted by offset.
    const entities = found(text, [["CITY", "Tokyo"], ["CITY", "Paris"]]);
    expect(fillReplyTemplate("Flights from {CITY} to {CITY:2}.", entities, ctx())).toBe("Flights from Paris to Tokyo.");
    expect(fillReplyTemplate("{CITY}, {CITY}!", entities, ctx())).toBe("Paris, Paris!");
    expect(fillReplyTemplate("{CITY:3}?", entities, ctx({ CITY: "your city" }))).toBe("your city?");
  });

  it("a missing entity takes the owner's fallback text, or is left out with the spaces tidied", () => {
    const none: TemplateEntity[] = [];
    expect(fillReplyTemplate("Booking a table for {PERSON} at {TIME}.", none, ctx({ PERSON: "you", TIME: " a time of your choice " }))).toBe(
      "Booking a table for you at a time of your choice.",
    );
    expect(fillReplyTemplate("Booking a table for {PERSON} at {TIME}.", none, ctx())).toBe("Booking a table for at.");
    expect(fillReplyTemplate("Dear {PERSON}, your table is ready.", none, ctx())).toBe("Dear, your table is ready.");
    expect(fillReplyTemplate("{PERSON} welcome!", none, ctx())).toBe("welcome!");
    expect(fillReplyTemplate("Hi, {PERSON}, welcome back.", none, ctx())).toBe("Hi, welcome back.");
    expect(fillReplyTemplate("Thanks, {PERSON}!", none, ctx())).toBe("Thanks!");
    expect(fillReplyTemplate("See you {DATE} {TIME}!", none, ctx())).toBe("See you!");
    expect(fillReplyTemplate("Hi {PERSON}\nSee you {DATE} in {CITY}.", found("Lyon", [["CITY", "Lyon"]]), ctx())).toBe("Hi\nSee you in Lyon.");
    // An empty fallback is the same as none.
    expect(fillReplyTemplate("Thanks {PERSON}!", none, ctx({ PERSON: "  " }))).toBe("Thanks!");
  });

  it("works for Chinese text and replies (no spaces around placeholders)", () => {
    const text = "帮我订周五晚上七点去杭州的票";
    const entities = found(text, [["DATE", "周五"], ["TIME", "晚上七点"], ["CITY", "杭州"]]);
    expect(fillReplyTemplate("好的，已为您预订{DATE}{TIME}去{CITY}的车票。", entities, ctx())).toBe("好的，已为您预订周五晚上七点去杭州的车票。");
    expect(fillReplyTemplate("好的，{PERSON}，已为您预订{DATE}去{CITY}的车票。", found("去杭州", [["CITY", "杭州"]]), ctx({ DATE: "指定日期" }))).toBe(
      "好的，已为您预订指定日期去杭州的车票。",
    );
    // Chinese type names work too.
    expect(fillReplyTemplate("欢迎{城市}", [{ type: "城市", text: "上海", start: 0 }], { types: ["城市"], defaults: {} })).toBe("欢迎上海");
  });

  it("puts the visitor's text in as plain text, once: no HTML, no placeholder read twice", () => {
    const text = "<img src=x onerror=alert(1)> wants {TIME} at 8";
    const entities: TemplateEntity[] = [
      { type: "PERSON", text: "<img src=x onerror=alert(1)>", start: 0 },
      { type: "CITY", text: "{TIME}", start: text.indexOf("{TIME}") },
      { type: "TIME", text: "8", start: text.length - 1 },
    ];
    const out = fillReplyTemplate("Hello {PERSON} from {CITY} at {TIME}", entities, ctx());
    // Not escaped (the widgets render text, never HTML) and not expanded again.
    expect(out).toBe("Hello <img src=x onerror=alert(1)> from {TIME} at 8");
    // A NUL in the input cannot forge a left-out placeholder.
    expect(fillReplyTemplate("A\u0000 {PERSON} B", [{ type: "PERSON", text: "x\u0000y", start: 0 }], ctx())).toBe("A xy B");
  });

  it("changes nothing without a linked entity model", () => {
    expect(fillReplyTemplate("Booking for {PERSON}.", found("Anna", [["PERSON", "Anna"]]), null)).toBe("Booking for {PERSON}.");
    expect(fillReplyTemplate("Booking for {PERSON}.", [], { types: [], defaults: {} })).toBe("Booking for {PERSON}.");
  });
});

describe("templatePlaceholders", () => {
  it("lists the known types (by the model's name) and the unknown placeholders as typed", () => {
    expect(templatePlaceholders("For {person} at {TIME} in {Town} on {TIME:2}", TYPES)).toEqual({ known: ["PERSON", "TIME"], unknown: ["{Town}"] });
    expect(templatePlaceholders("No placeholder {} here", TYPES)).toEqual({ known: [], unknown: [] });
  });
});
