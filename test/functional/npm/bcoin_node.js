'use strict';
// One bcoin full node on regtest for test_bcoin.py, driven over its
// HTTP JSON-RPC. Usage: node bcoin_node.js '<JSON of FullNode options>'
// (prefix, port, httpPort, nodes, only, ... in bcoin's own option names; they
// override the defaults below). Prints one line "bcoin-ready {...}" on
// stdout once the node listens; logs go to stdout too. SIGTERM closes it.
//
// bcoin 1.0.2's native add-ons (leveldown 4.0.1, bcrypto 0.3.7,
// secp256k1 3.5.0) do not compile against current Node.js, so scripts/deps
// installs it with --ignore-scripts and it runs on the pure JavaScript
// backends its libraries select with NODE_BACKEND=js, with the chain in
// memory (bdb's MemDB). bdb loads leveldown whether or not it is used, so
// that one module is replaced by a stub that fails if LevelDB is opened.

process.env.NODE_BACKEND = 'js';

const Module = require('module');

const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'leveldown') {
    return function () {
      throw new Error('LevelDB is not built here; run bcoin with memory: true');
    };
  }
  return load.call(this, request, parent, isMain);
};

const FullNode = require('bcoin/lib/node/fullnode');

const options = Object.assign({
  network: 'regtest',
  memory: true,        // no LevelDB (see above)
  workers: false,      // no child processes to leave behind
  listen: true,
  host: '127.0.0.1',
  seeds: [],           // regtest's default seed is 127.0.0.1:48444
  httpHost: '127.0.0.1',
  noAuth: true,
  logConsole: true,
  logLevel: 'debug',
  logFile: false
}, JSON.parse(process.argv[2] || '{}'));

const node = new FullNode(options);

// bcoin asks a public DNS server for its external address when it starts
// listening (up to 2 s per address family before it gives up); a test
// node on 127.0.0.1 has none to find.
node.pool.discoverExternal = async () => {};

let closing = false;
async function close(code) {
  if (closing)
    return;
  closing = true;
  try {
    await node.close();
  } catch (e) {
    console.error(e.stack);
  }
  process.exit(code);
}

process.on('SIGTERM', () => close(0));
process.on('SIGINT', () => close(0));
process.on('unhandledRejection', (err) => {
  console.error(err && err.stack);
  close(1);
});

(async () => {
  await node.ensure();
  await node.open();
  await node.connect();
  node.startSync();
  console.log('bcoin-ready ' + JSON.stringify({
    version: require('bcoin/package.json').version,
    port: node.pool.options.port,
    httpPort: node.http.options.port,
    height: node.chain.height
  }));
})().catch((err) => {
  console.error(err.stack);
  process.exit(1);
});
