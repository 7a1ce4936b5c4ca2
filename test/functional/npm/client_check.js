// Drives a running Sato node with the npm `bitcoin-core` client, unchanged,
// and prints what it got back as JSON for the pytest side to judge.
'use strict';

const Client = require('bitcoin-core');

async function main() {
  const [host, username, password] = process.argv.slice(2);
  const client = new Client({ host, username, password, timeout: 30000 });
  const out = {};
  out.uptime = await client.command('uptime');
  out.helpStop = await client.command('help', 'stop');
  out.decodescript = await client.command('decodescript', '5120eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee');
  out.validateaddress = await client.validateAddress('bcrt1p424qxxyd0r');
  out.logging = await client.command('logging', ['net']);
  out.batch = await client.command([{ method: 'uptime' }, { method: 'help', parameters: ['uptime'] }]);
  const addr = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
  out.generated = await client.command('generatetoaddress', 2, addr);
  out.blockchaininfo = await client.command('getblockchaininfo');
  out.blockcount = await client.command('getblockcount');
  out.block = await client.command('getblock', out.generated[0]);
  out.header = await client.command('getblockheader', out.generated[0]);
  out.txout = await client.command('gettxout', out.block.tx[0], 0);
  out.txoutset = await client.command('gettxoutsetinfo');
  out.chaintips = await client.command('getchaintips');
  out.chainbatch = await client.command([{ method: 'getblockhash', parameters: [1] },
                                         { method: 'getblockhash', parameters: [99] }]);
  try {
    await client.command('nosuchmethod');
    out.unknown = 'no error';
  } catch (e) {
    out.unknown = { code: e.code, message: e.message };
  }
  try {
    await new Client({ host, username, password: 'wrong', timeout: 30000 }).command('uptime');
    out.badauth = 'no error';
  } catch (e) {
    out.badauth = { code: e.code, message: e.message };
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(`client_check failed: ${e.stack || e}\n`);
  process.exit(1);
});
