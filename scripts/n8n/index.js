// Real n8n for this package's demo, editor, benchmark and tests, one concern per module:
//   ../processes.js   child processes, their environment, free ports
//   install.js        the cache: Node 24 and n8n (N8N_VERSION), installed once
//   package.js        this package built, packed and installed as a community package
//   userFolder.js     n8n user folders and their encryption key
//   cli.js            n8n's command line: imports, exports, execute, activating workflows
//   server.js         `n8n start` and other long-running n8n processes; owner set-up, login, Publish
//   queue.js          queue mode: main + workers with a private PostgreSQL and Redis
// This file gathers them, so that `require('./n8n')` gives all of it. Plain CommonJS, Node 20+.
'use strict';

const processes = require('../processes');
const install = require('./install');
const pkg = require('./package');
const userFolder = require('./userFolder');
const cli = require('./cli');
const server = require('./server');
const queue = require('./queue');

module.exports = { ...processes, ...install, ...pkg, ...userFolder, ...cli, ...server, ...queue };
