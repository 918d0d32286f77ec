// Tests load TypeScript through ts-node with SWC (transpile only); `npm test` type-checks first.
process.env.TS_NODE_SWC = "true";
require("ts-node/register/transpile-only");
