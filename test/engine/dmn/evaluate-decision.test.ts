import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  camunda7Result, camunda8Result, DmnEvaluationError, DmnParseError, evaluateDecision, parseDmn, type DmnDialect,
} from '../../../engine/dmn/index.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/dmn/${name}`, import.meta.url), 'utf8');
const decide = async (file: string, decisionId: string, variables: Record<string, unknown>, dialect: DmnDialect = 'camunda7') =>
  evaluateDecision(await parseDmn(fixture(file)), decisionId, variables, { dialect });
const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as DmnEvaluationError;
  }
  throw new Error('the decision gave a result');
};

describe('UNIQUE', () => {
  it('gives the one matching rule: FEEL unary tests of each input (comparisons, lists, ranges, "-")', async () => {
    const result = await decide('unique-dish.dmn', 'dish', { season: 'Fall', guestCount: 4 });
    expect(result).toMatchObject({ resultList: [{ desiredDish: 'Spareribs' }], matchedRules: ['fall-few'] });
    expect(camunda8Result(await decide('unique-dish.dmn', 'dish', { season: 'Summer', guestCount: 30 }))).toBe('Light salad');
    expect(camunda8Result(await decide('unique-dish.dmn', 'dish', { season: 'Spring', guestCount: 12 }))).toBe('Stew');
  });

  it('gives no result when no rule matches (null for Camunda 8)', async () => {
    const result = await decide('unique-dish.dmn', 'dish', { season: 'Spring', guestCount: 3 });
    expect(result.resultList).toEqual([]);
    expect(camunda8Result(result)).toBeNull();
  });

  it('refuses two matching rules, naming the decision, the rules and the inputs', async () => {
    const error = await failure(decide('unique-dish.dmn', 'dish', { season: 'Winter', guestCount: 8 }));
    expect(error).toBeInstanceOf(DmnEvaluationError);
    expect(error.message).toBe(
      'decision "Dish" (dish): rules winter-few, winter-or-spring-overlap all match, but hit policy UNIQUE allows one for season = "Winter", guestCount = 8',
    );
    expect(error.decisionId).toBe('dish');
    expect(error.inputs).toEqual([{ name: 'season', problem: 'is "Winter"' }, { name: 'guestCount', problem: 'is 8' }]);
  });

  it('is strict: an input reading a missing variable is an error naming the decision and input', async () => {
    const error = await failure(decide('unique-dish.dmn', 'dish', { season: 'Fall' }));
    expect(error.message).toContain('decision "Dish" (dish): input "How many guests" "guestCount" cannot be evaluated');
    expect(error.message).toContain("Variable 'guestCount' not found");
  });
});

describe('a null input', () => {
  const tiers = (director: string, automatic: string) => fixture('approval-tier.dmn')
    .replace('<text>&gt; 1000000</text>', `<text>${director}</text>`)
    .replace('<inputEntry id="automatic-amount"><text>-</text>', `<inputEntry id="automatic-amount"><text>${automatic}</text>`);
  const tierOf = async (xml: string, reportingAmount: unknown) =>
    camunda8Result(evaluateDecision(await parseDmn(xml), 'approval-tier', { reportingAmount }, { dialect: 'camunda8' }));

  it('is an error where a rule compares it by order, as a condition comparing null is: the catch-all never approves a missing amount', async () => {
    // feelin read `> 1000000` on null as no match (the catch-all gave "automatic"), `not(> 1000000)` and `? <= 1000000`
    // as a match (null "equals" the null the comparison gave)
    for (const [director, automatic] of [['&gt; 1000000', '-'], ['&gt; 1000000', 'not(&gt; 500000)'], ['? &gt; 1000000', '? &lt;= 500000'], ['[1000001..999999999]', '-']]) {
      const error = await failure(tierOf(tiers(director, automatic), null));
      expect(error).toBeInstanceOf(DmnEvaluationError);
      expect(error.message).toMatch(/^decision "Approval tier" \(approval-tier\): input entry ".*" of rule director cannot be evaluated: the input is null, which ".*" cannot compare/);
      expect(error.inputs).toEqual([{ name: 'reportingAmount', problem: 'is null' }]);
    }
    expect(await tierOf(tiers('&gt; 1000000', 'not(&gt; 500000)'), 200_000)).toBe('automatic');
  });

  it('is read as FEEL reads it by "-", "null", "not(null)" and equality tests', async () => {
    const named = tiers('null', 'not(null)').replace('<text>&gt; 500000</text>', '<text>0, 1</text>');
    expect(await tierOf(named, null)).toBe('sales-director');
    expect(await tierOf(named, 5)).toBe('automatic');
  });
});

describe('an input whose typeRef is a number', () => {
  it('refuses a value that is not a number, where feelin compared text with numbers as JavaScript does', async () => {
    const model = await parseDmn(fixture('approval-tier.dmn'));
    const tier = (reportingAmount: unknown) => evaluateDecision(model, 'approval-tier', { reportingAmount }, { dialect: 'camunda8' });
    // "" read as 0 and was approved automatically; "600 000" as NaN, matching only the catch-all
    for (const sent of ['', '600 000', '2000000', true]) {
      const error = await failure(Promise.resolve().then(() => tier(sent)));
      expect(error.message).toBe(`decision "Approval tier" (approval-tier): input "reportingAmount" is ${JSON.stringify(sent)}, not a number as its typeRef "number" says`);
    }
    expect(camunda8Result(tier(600_000))).toBe('vice-president');
  });
});

describe('no rule matching', () => {
  it("gives the outputs' defaultOutputEntry where the table names one (DMN 1.3, Camunda 8), never null for the gateway to read as no tier", async () => {
    // the tiers without their catch-all, failing safe to the director: an amount no rule covers goes to the director
    const failSafe = fixture('approval-tier.dmn')
      .replace('<output id="tier-output" label="Tier" name="tier" typeRef="string" />',
        '<output id="tier-output" label="Tier" name="tier" typeRef="string"><defaultOutputEntry id="tier-default"><text>"sales-director"</text></defaultOutputEntry></output>')
      .replace('<inputEntry id="automatic-amount"><text>-</text>', '<inputEntry id="automatic-amount"><text>[0..500000]</text>');
    const model = await parseDmn(failSafe);
    const evaluate = (reportingAmount: unknown, dialect: DmnDialect) => evaluateDecision(model, 'approval-tier', { reportingAmount }, { dialect });
    expect(camunda8Result(evaluate(200_000, 'camunda8'))).toBe('automatic');
    // a negative amount (a credit note entered as an order) is covered by no rule
    const uncovered = evaluate(-5, 'camunda8');
    expect(uncovered).toMatchObject({ matchedRules: [], resultList: [{ tier: 'sales-director' }] });
    expect(camunda8Result(uncovered)).toBe('sales-director');
    expect(camunda7Result(evaluate(-5, 'camunda7'), 'singleEntry')).toBe('sales-director');
  });
});

describe('FIRST', () => {
  it('gives the first matching rule in rule order', async () => {
    expect(camunda8Result(await decide('first-discount.dmn', 'discount', { customerType: 'Business', orderSize: 12 }))).toBe(0.15);
    expect(camunda8Result(await decide('first-discount.dmn', 'discount', { customerType: 'Business', orderSize: 2 }))).toBe(0.1);
    expect(camunda8Result(await decide('first-discount.dmn', 'discount', { customerType: 'Private', orderSize: 12 }))).toBe(0);
  });
});

describe('PRIORITY', () => {
  it("gives the match whose output ranks highest in the output's value list", async () => {
    const result = await decide('priority-risk.dmn', 'risk', { applicant: { age: 22, debt: 20000 } });
    expect(result.matchedRules).toEqual(['young', 'indebted', 'default']);
    expect(camunda8Result(result)).toEqual({ riskLevel: 'high', reason: 'debt over 10,000' });
  });

  it('keeps rule order between matches of equal rank', async () => {
    const result = await decide('priority-risk.dmn', 'risk', { applicant: { age: 40, debt: 60000 } });
    expect(result.resultList).toEqual([{ riskLevel: 'high', reason: 'debt over 10,000' }]);
  });

  it('refuses a matched output outside its output values, where it ranked last and the catch-all won', async () => {
    const typo = fixture('priority-risk.dmn').replace('<outputEntry id="risk-oe14"><text>"high"</text>', '<outputEntry id="risk-oe14"><text>"High"</text>');
    const error = await failure(parseDmn(typo).then((model) => evaluateDecision(model, 'risk', { applicant: { age: 40, debt: 20000 } }, { dialect: 'camunda8' })));
    expect(error.message).toBe(
      'decision "Risk" (risk): rule indebted gives output "riskLevel" "High", which is not among its output values ("high","medium","low") that hit policy PRIORITY ranks by for applicant.age = 40, applicant.debt = 20000',
    );
  });

  it('falls to the lowest priority when nothing else matches', async () => {
    expect(camunda8Result(await decide('priority-risk.dmn', 'risk', { applicant: { age: 40, debt: 0 } }))).toEqual({ riskLevel: 'low', reason: 'no risk found' });
  });
});

describe('ANY', () => {
  it('gives the output all matching rules agree on', async () => {
    const result = await decide('any-eligibility.dmn', 'eligibility', { age: 30, member: true });
    expect(result.matchedRules).toEqual(['adult', 'member']);
    expect(camunda8Result(result)).toBe(true);
  });

  it('refuses matches that disagree', async () => {
    const error = await failure(decide('any-eligibility.dmn', 'eligibility', { age: 15, member: true }));
    expect(error.message).toBe(
      'decision "Eligibility" (eligibility): rules member and minor match with different outputs, but hit policy ANY needs equal ones for age = 15, member = true',
    );
  });
});

describe('COLLECT', () => {
  const parcel = { express: true, weight: 30, international: false, fragile: true };

  it('collects every match in rule order (a list for Camunda 8, also when one matches or none)', async () => {
    const result = await decide('collect-fees.dmn', 'fees', parcel);
    expect(result.resultList).toEqual([{ fee: 5 }, { fee: 10 }, { fee: 25 }, { fee: null }]);
    expect(camunda8Result(result)).toEqual([5, 10, 25, null]);
    expect(camunda8Result(await decide('collect-fees.dmn', 'fees', { ...parcel, express: false, weight: 1, fragile: false }))).toEqual([5]);
  });

  it('sums, takes the minimum and maximum, and counts the non-null outputs', async () => {
    expect(camunda8Result(await decide('collect-fees.dmn', 'feeSum', parcel))).toBe(40);
    expect(camunda8Result(await decide('collect-fees.dmn', 'feeMin', parcel))).toBe(5);
    expect(camunda8Result(await decide('collect-fees.dmn', 'feeMax', parcel))).toBe(25);
    expect(camunda8Result(await decide('collect-fees.dmn', 'feeCount', parcel))).toBe(3);
    expect((await decide('collect-fees.dmn', 'feeSum', parcel)).resultList).toEqual([{ fee: 40 }]);
  });

  it('sums as decimals, as Camunda does: fees of 0.1 and 0.2 are 0.3, not a double above it', async () => {
    const cents = fixture('collect-fees.dmn').replace('"feeSum-oe14"><text>5<', '"feeSum-oe14"><text>0.1<').replace('"feeSum-oe19"><text>10<', '"feeSum-oe19"><text>0.2<');
    const sum = evaluateDecision(await parseDmn(cents), 'feeSum', { ...parcel, weight: 1, fragile: false }, { dialect: 'camunda8' });
    expect(sum.matchedRules).toEqual(['sum-base', 'sum-express']);
    expect(camunda8Result(sum)).toBe(0.3);
  });
});

describe('RULE ORDER and OUTPUT ORDER', () => {
  it('lists every match in rule order', async () => {
    const result = await decide('rule-order-checks.dmn', 'checks', { amount: 2_000_000, country: 'IR' });
    expect(camunda8Result(result)).toEqual([
      { check: 'sanctions screening', team: 'compliance' },
      { check: 'credit review', team: 'finance' },
      { check: 'export papers', team: 'logistics' },
    ]);
    expect(camunda8Result(await decide('rule-order-checks.dmn', 'checks', { amount: 5, country: 'CH' }))).toEqual([]);
  });

  it('lists every match by the rank of its outputs, rule order between equals', async () => {
    const result = await decide('output-order-tasks.dmn', 'tasks', { daysLeft: 1, value: 5000 });
    expect(result.matchedRules).toEqual(['archive', 'call', 'review', 'remind']);
    expect(result.resultList.map((entry) => entry.task)).toEqual(['call the customer', 'send a reminder', 'review value', 'archive papers']);
  });
});

describe('required decisions', () => {
  it("Camunda 7: evaluates required decisions first and reads their outputs by output name", async () => {
    const result = await decide('required-decisions.dmn', 'beverages', { month: 1, guestCount: 6, guestsWithChildren: true });
    expect(result.required.map((required) => required.decisionId)).toEqual(['dish', 'season']);
    expect(camunda7Result(result, 'collectEntries')).toEqual(['Red wine', 'Water', 'Apple juice']);
  });

  it('Camunda 8: reads a required decision\'s whole result under its id (a context for several outputs)', async () => {
    const result = await decide('required-decisions-camunda8.dmn', 'price', { revenue: 250_000, listPrice: 100 }, 'camunda8');
    expect(camunda8Result(result)).toBe(80);
    expect(result.required.map((required) => camunda8Result(required))).toEqual([{ rate: 0.8, label: 'Gold' }, 'gold']);
  });

  it('keeps the two dialects apart: a Camunda 7 table does not see a Camunda 8 name', async () => {
    const error = await failure(decide('required-decisions.dmn', 'beverages', { month: 1, guestCount: 6, guestsWithChildren: true }, 'camunda8'));
    expect(error.message).toContain('decision "Beverages" (beverages): input "Dish" "desiredDish" cannot be evaluated');
  });

  it('refuses a file whose decision requires a decision it does not hold', async () => {
    const xml = fixture('required-decisions.dmn').replace('href="#season"', 'href="#weather"');
    await expect(parseDmn(xml)).rejects.toThrow(new DmnParseError('decision dish requires decision weather, which is not in the file', 'dish'));
  });

  it('refuses a file whose decisions require each other in a cycle, naming the cycle, before any order reaches it', async () => {
    // season requires beverages, which requires dish, which requires season
    const xml = fixture('required-decisions.dmn').replace(
      '<decision id="season" name="Season">',
      '<decision id="season" name="Season">\n    <informationRequirement id="season-req1"><requiredDecision href="#beverages" /></informationRequirement>',
    );
    const error = await parseDmn(xml).then(() => undefined, (caught: DmnParseError) => caught);
    expect(error).toBeInstanceOf(DmnParseError);
    expect(error?.message).toBe('decision season requires itself (season → beverages → dish → season), so it can never be evaluated');
    expect(error?.elementId).toBe('season');
  });
});

describe('literal expressions', () => {
  it('evaluates FEEL, string literals spanning lines included, named by the decision variable', async () => {
    const result = await decide('literal-expressions.dmn', 'greeting', { customer: { name: 'ACME' }, orderNo: 'A-7' });
    expect(result.resultList).toEqual([{ greeting: 'Dear ACME,\nthank you for order A-7.' }]);
    expect(camunda7Result(result, 'singleEntry')).toBe('Dear ACME,\nthank you for order A-7.');
    expect(camunda8Result(await decide('literal-expressions.dmn', 'orderTotal', { items: [{ price: 2, quantity: 3 }, { price: 10, quantity: 1 }] }))).toBe(16);
  });

  it('names the result by the decision id when there is no variable', async () => {
    expect((await decide('literal-expressions.dmn', 'unnamed', { orderNo: 'A-7' })).resultList).toEqual([{ unnamed: 'A-7' }]);
  });
});

describe("Camunda 7's mapDecisionResult", () => {
  it('maps singleEntry, singleResult, collectEntries and resultList', async () => {
    const one = await decide('first-discount.dmn', 'discount', { customerType: 'Business', orderSize: 12 });
    expect(camunda7Result(one, 'singleEntry')).toBe(0.15);
    expect(camunda7Result(one, 'singleResult')).toEqual({ discount: 0.15 });
    expect(camunda7Result(one, 'collectEntries')).toEqual([0.15]);
    expect(camunda7Result(one)).toEqual([{ discount: 0.15 }]);
    const none = await decide('unique-dish.dmn', 'dish', { season: 'Spring', guestCount: 3 });
    expect(camunda7Result(none, 'singleEntry')).toBeNull();
    expect(camunda7Result(none, 'singleResult')).toBeNull();
    expect(camunda7Result(none, 'collectEntries')).toEqual([]);
  });

  it('refuses a result that does not fit the mapping, naming the decision', async () => {
    const several = await decide('rule-order-checks.dmn', 'checks', { amount: 2_000_000, country: 'IR' });
    expect(() => camunda7Result(several, 'singleResult')).toThrow('decision "Checks" (checks): it gave 3 results, so mapDecisionResult="singleResult" cannot map it');
    expect(() => camunda7Result(several, 'collectEntries')).toThrow('a result has 2 entries (check, team)');
    const twoOutputs = await decide('priority-risk.dmn', 'risk', { applicant: { age: 40, debt: 0 } });
    expect(() => camunda7Result(twoOutputs, 'singleEntry')).toThrow('its result has 2 entries (riskLevel, reason)');
  });
});

describe('reading DMN files', () => {
  it('refuses what is not DMN 1.3, and an unknown decision', async () => {
    await expect(parseDmn('<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>')).rejects.toThrow(DmnParseError);
    await expect(decide('first-discount.dmn', 'nope', {})).rejects.toThrow('decision nope is not in Discount (it has discount)');
  });

  it('refuses a rule dmn-moddle would drop (a copied rule id, a misspelled element), where the table decided without it', async () => {
    // the vice-president rule copied from the director's keeps its id: read, the table had only director and automatic,
    // and an amount of 600,000 was approved automatically
    const copied = fixture('approval-tier.dmn').replace('<rule id="vice-president">', '<rule id="director">');
    const error = await parseDmn(copied).then(() => undefined, (caught: DmnParseError) => caught);
    expect(error).toBeInstanceOf(DmnParseError);
    expect(error?.message).toContain('the id "director" is used by two elements');
    expect(error?.elementId).toBe('director');
    const misspelled = fixture('approval-tier.dmn').replace('<rule id="vice-president">', '<rul id="vice-president">').replace('</rule>\n      <rule id="automatic">', '</rul>\n      <rule id="automatic">');
    await expect(parseDmn(misspelled)).rejects.toThrow(/an element cannot be read and would be left out: unparsable content <rul> detected/);
  });
});

describe('DMN 1.1 files of Camunda 7', () => {
  it('migrates them to DMN 1.3 in memory and evaluates them, JUEL input entries over camunda:inputVariable included', async () => {
    expect(camunda8Result(await decide('dmn11-camunda7-dish.dmn', 'dish', { season: 'Winter' }))).toBe('Roastbeef');
    expect(camunda8Result(await decide('dmn11-camunda7-dish.dmn', 'dish', { season: 'Spring' }))).toBe('Salad');
    expect(camunda8Result(await decide('dmn11-camunda7-dish.dmn', 'dish', { season: 'Fall' }))).toBe('Stew');
  });
});

describe('an entry of a value named across an input entry\'s words', () => {
  const TIER = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="tier-definitions" name="Tier" namespace="http://stratum.example/dmn">
  <decision id="tier" name="Tier">
    <decisionTable id="tier-table" hitPolicy="FIRST">
      <input id="amount-input" label="Amount"><inputExpression id="amount-expression" typeRef="number"><text>amount</text></inputExpression></input>
      <output id="tier-output" name="tier" typeRef="string" />
      <rule id="review"><inputEntry id="review-amount"><text>&gt; limits.review - reserve</text></inputEntry><outputEntry id="review-tier"><text>"review"</text></outputEntry></rule>
      <rule id="automatic"><inputEntry id="automatic-amount"><text>-</text></inputEntry><outputEntry id="automatic-tier"><text>"automatic"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>`;

  it('tests the value against what the entry says (the review limit minus the reserve), never an entry named "review - reserve"', async () => {
    const model = await parseDmn(TIER);
    const tier = (variables: Record<string, unknown>) => camunda8Result(evaluateDecision(model, 'tier', variables, { dialect: 'camunda8' }));
    expect(tier({ amount: 600, limits: { review: 1000 }, reserve: 500 })).toBe('review');
    expect(tier({ amount: 400, limits: { review: 1000 }, reserve: 500 })).toBe('automatic');
    expect(tier({ amount: 400, limits: { review: 1000, 'review note': 'x' }, reserve: 500 })).toBe('automatic');
    const error = await failure(Promise.resolve().then(() => tier({ amount: 400, limits: { review: 1000, 'review - reserve': 0 }, reserve: 500 })));
    expect(error).toBeInstanceOf(DmnEvaluationError);
    expect(error.message).toContain('"limits.review - reserve" would be read in place of what the input entry says');
  });
});
