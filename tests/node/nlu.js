// Resolves sentences with virtual-alexa's model matching only (no skill is called).
// Usage: node nlu.js <model.json> <locale>   with a JSON list of sentences on stdin.
// Prints a JSON list: {text, intent, slots: {name: {value, status, id}}}, the intent and
// entity resolution virtual-alexa would send. Sentences are matched as spoken inside a
// session (no invocation), so its launch-phrase guess ("...tell..." -> LaunchRequest) is
// not applied; intent null means no sample matched. Custom slot types are open, as on Alexa.
const fs = require("fs");
const va = require("virtual-alexa");
const { Utterance } = require("virtual-core");
const { SlotType, SlotMatch } = require("virtual-core/lib/src/SlotTypes");

// virtual-alexa treats a custom slot type as a closed list: a sample only matches when the
// words are a listed value. Alexa's custom slots are open: other words are captured and
// sent with ER_SUCCESS_NO_MATCH. Open them the same way (an untyped match, so a listed
// value still wins a tie), or every unlisted word would look like a model failure.
const closedMatch = SlotType.prototype.match;
SlotType.prototype.match = function (value) {
  const found = closedMatch.call(this, value);
  if (found.matches || this.isBuiltin() || !value.trim()) return found;
  const open = new SlotMatch(true, value.trim());
  open.untyped = true;
  return open;
};

// virtual-alexa's AMAZON.NUMBER knows only "one" to "twenty"; Alexa's takes every number
// said in words ("zero", "thirty five"). Give it zero to ninety-nine, as the console does.
const { NumberSlotType } = require("virtual-alexa/lib/src/model/BuiltinSlotTypes");
const ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
  "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
function numberWords(n) {
  if (n < 20) return ONES[n];
  const ones = n % 10;
  return ones ? `${TENS[Math.floor(n / 10)]} ${ONES[ones]}` : TENS[n / 10];
}
NumberSlotType.LONG_FORM_VALUES = {};
for (let n = 0; n < 100; n++) NumberSlotType.LONG_FORM_VALUES[n] = [numberWords(n)];

function main() {
  const [modelFile, locale] = process.argv.slice(2);
  const alexa = va.VirtualAlexa.Builder()
    .interactionModelFile(modelFile)
    .skillURL("http://127.0.0.1:9/unused")
    .locale(locale)
    .create();
  const model = alexa.context().interactionModel();
  const sentences = JSON.parse(fs.readFileSync(0, "utf8"));
  const results = [];
  for (const text of sentences) {
    const utterance = new Utterance(model, text);
    if (!utterance.matched()) {
      results.push({ text, intent: null, slots: {} });
      continue;
    }
    const request = alexa.request().intent(utterance.intent()).slots(utterance.toJSON()).json();
    const slots = {};
    for (const [name, slot] of Object.entries(request.request.intent.slots || {})) {
      if (slot.value === undefined) continue;
      const authority = (slot.resolutions && slot.resolutions.resolutionsPerAuthority || [])[0];
      slots[name] = {
        value: slot.value,
        status: authority ? authority.status.code : null,
        id: authority && authority.values && authority.values.length ? authority.values[0].value.id : null,
      };
    }
    results.push({ text, intent: utterance.intent(), slots });
  }
  process.stdout.write(JSON.stringify(results));
}

main();
