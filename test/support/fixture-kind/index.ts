/**
 * A product kind that exists only in the tests: proof that a kind plugs in through the registry alone.
 * A "greeter" listing is called at POST /greet/<id> with the 2.0 basic signature made with its
 * `general` key; its adapter greets, the greeting is stored in a table of the kind's own (its
 * migration), and a job the kind registers remembers the name later, exactly once per name.
 */
import type { DependencyContainer } from "tsyringe";
import { injectable } from "tsyringe";
import type { Knex } from "knex";
import { callErrors } from "../../../core/errors.js";
import { defineKind, type Kind, type Served } from "../../../core/kinds/kind.js";
import { Outbox } from "../../../core/outbox/outbox.js";
import type { ProductBase } from "../../../core/products/definition.js";
import { success, type Outcome } from "../../../core/serving/outcome.js";
import { CallPipeline, type Incoming, type SignedInterface, type Verified } from "../../../core/serving/pipeline.js";
import { marketplaceRefusal } from "../../../core/serving/refusal.js";
import { verifyBasicCall } from "../../../core/serving/basic-call.js";

export interface GreeterProduct extends ProductBase {
  kind: "greeter";
  greeting: string;
}

/** The adapter interface of the kind. */
export interface GreeterAdapter {
  greet(name: string, greeting: string): Promise<string>;
  remember(name: string): Promise<void>;
}

export class FixtureGreeterAdapter implements GreeterAdapter {
  static readonly kind = "greeter";
  static remembered: string[] = [];
  async greet(name: string, greeting: string) {
    return `${greeting}, ${name}!`;
  }
  async remember(name: string) {
    FixtureGreeterAdapter.remembered.push(name);
  }
}

/** A class of the greeter kind that lacks `remember`: refused at start. */
export class IncompleteGreeterAdapter {
  static readonly kind = "greeter";
  async greet() {
    return "hi";
  }
}

type GreeterServed = Served<GreeterProduct, GreeterAdapter>;

@injectable()
class GreetInterface implements SignedInterface<GreeterProduct, GreeterAdapter, Verified, { name: string }> {
  readonly scope = "greeter";
  readonly readsBody = true;
  readonly refuse = marketplaceRefusal;

  constructor(private readonly outbox: Outbox) {}

  verify(input: Incoming, p: GreeterProduct): Verified {
    return verifyBasicCall(input, p.keys.general, "general key");
  }

  peek() {
    return { activity: "greet", test: false };
  }

  parse(input: Incoming) {
    const o = JSON.parse(input.rawBody.toString("utf8")) as { name?: unknown };
    if (typeof o.name !== "string" || o.name === "") throw callErrors.param("param is invalid: name is missing");
    return { name: o.name };
  }

  async run(s: GreeterServed, req: { name: string }): Promise<Outcome> {
    const text = await s.adapter.greet(req.name, s.product.greeting);
    return success(
      { text },
      {
        inserts: [{ table: "fixture_greetings", row: { product_id: s.product.id, name: req.name, text } }],
        commit: async (trx) => {
          await this.outbox.enqueue({ productId: s.product.id, activity: "remember", instanceId: "", payload: req.name, test: false, dedupeKey: `remember:${req.name}` }, trx);
        },
      },
    );
  }

  answerKey(p: GreeterProduct) {
    return p.keys.general[0]!;
  }
}

export const greeterKind: Kind = defineKind<GreeterProduct, GreeterAdapter>({
  name: "greeter",
  summary: "a test-only kind that greets",
  schema: { properties: { greeting: { type: "string", minLength: 1, maxLength: 40 } }, required: ["greeting"] },
  keyTypes: () => ["general"],
  load: (def, base) => ({ ...base, kind: "greeter", greeting: String(def.greeting) }),
  adapterMethods: ["greet", "remember"],
  migrations: {
    "20261130020000_fixture_greetings": {
      up: (knex: Knex) =>
        knex.schema.createTable("fixture_greetings", (t) => {
          t.string("product_id", 64).notNullable();
          t.string("name", 64).notNullable();
          t.string("text", 200).notNullable();
        }),
      down: (knex: Knex) => knex.schema.dropTable("fixture_greetings"),
    },
  },
  endpoints: (container: DependencyContainer) => {
    const pipeline = container.resolve(CallPipeline);
    const greet = container.resolve(GreetInterface);
    return [{ method: "POST", path: "/greet/:id", serve: (s, call) => pipeline.serve(s, greet, call) }];
  },
  jobs: () => ({
    remember: {
      policy: () => ({ maxAttempts: 3, retryBaseMs: 10, attemptTimeoutMs: 1000 }),
      run: (s, job) => s.adapter.remember(job.payload),
    },
  }),
  describe: (p) => ({ endpoints: [{ method: "POST", path: `/greet/${p.id}`, what: "greeting URL" }], facts: [`greeting "${p.greeting}"`] }),
});

export const greeterYaml = (id: string, extra = "") =>
  [`id: ${id}`, `name: Greeter ${id}`, "kind: greeter", "adapter: FixtureGreeterAdapter", "keys:", "  general: [TEST_BASIC_KEY]", "greeting: Hello", extra].join("\n");
