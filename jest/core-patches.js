// Runs before each test file. Jest gives every file fresh modules but shares node's core modules
// between the files of one worker, so a library that patches a core prototype at load time leaves
// the patch behind for every later file. urllib (loaded by alipay-sdk) wraps
// net.Socket.prototype.destroy to tag errors with a non-configurable property; nock's socket
// interceptor destroys a socket twice with the same error, and the second tag then throws
// "Cannot redefine property" in an unrelated file. Each file starts from node's own destroy.
const net = require('node:net');

const original = Symbol.for('aiphoto.test.originalSocketDestroy');
if (!net.Socket.prototype[original]) {
  Object.defineProperty(net.Socket.prototype, original, { value: net.Socket.prototype.destroy });
} else {
  net.Socket.prototype.destroy = net.Socket.prototype[original];
}
