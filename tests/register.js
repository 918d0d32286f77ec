// Tests load TypeScript through ts-node with SWC (transpile only); `npm test` type-checks first.
process.env.TS_NODE_SWC = "true";
// The AWS SDK warns that it will need Node 22 from 2027 (the image runs 22); keep test output clean.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
require("ts-node/register/transpile-only");
