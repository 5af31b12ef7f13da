// Drives a running skill endpoint through virtual-alexa, from an interaction model file.
// Usage: node drive.js <model.json> <skill URL> <locale> <skill id> '<JSON list of steps>'
// A step is "launch" or any sentence to utter. Prints one JSON object per step:
// {step, intent, slots, speech, shouldEndSession}, where intent and slots are what
// virtual-alexa resolved from the model (what Alexa would send).
const va = require("virtual-alexa");

async function main() {
  const [modelFile, url, locale, skillId, stepsJson] = process.argv.slice(2);
  const alexa = va.VirtualAlexa.Builder()
    .interactionModelFile(modelFile)
    .skillURL(url)
    .locale(locale)
    .applicationID(skillId)
    .create();
  let lastRequest = null;
  alexa.filter((request) => { lastRequest = request; });
  const results = [];
  for (const step of JSON.parse(stepsJson)) {
    const reply = step === "launch" ? await alexa.launch() : await alexa.utter(step);
    const intent = lastRequest.request.intent || {};
    const slots = {};
    for (const [name, slot] of Object.entries(intent.slots || {})) {
      const authority = (slot.resolutions && slot.resolutions.resolutionsPerAuthority || [])[0];
      slots[name] = {
        value: slot.value,
        status: authority ? authority.status.code : null,
        id: authority && authority.values ? authority.values[0].value.id : null,
      };
    }
    results.push({
      step,
      requestType: lastRequest.request.type,
      intent: intent.name || null,
      slots,
      speech: reply.response.outputSpeech ? reply.response.outputSpeech.ssml : null,
      shouldEndSession: reply.response.shouldEndSession,
    });
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => { console.error(error && error.stack || error); process.exit(1); });
