// Runs in the browser before the app's own code on every page (Next's client instrumentation hook).
import { z } from "zod";

// The pages' Content-Security-Policy allows no eval (proxy.ts): zod's optional speed-up compiles
// object parsers with new Function, and only probing for it already reports a CSP violation.
z.config({ jitless: true });
