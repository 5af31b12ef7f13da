// Validates APL documents with Amazon's apl-suggester.
// Usage: node apl-validate.js <document.json>...   Prints {file: [findings]} as JSON.
const fs = require("fs");
const { StaticAplTemplateValidator } = require("apl-suggester");

async function main() {
  const validator = new StaticAplTemplateValidator();
  const results = {};
  for (const file of process.argv.slice(2)) {
    const document = JSON.parse(fs.readFileSync(file, "utf8"));
    results[file] = (await validator.validate(document)).map((f) => ({ path: f.path, message: f.errorMessage || f.message || JSON.stringify(f) }));
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => { console.error(error && error.stack || error); process.exit(1); });
