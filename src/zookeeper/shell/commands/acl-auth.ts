// getAcl, setAcl, addauth, whoami.
import { ZooKeeperError, type ACL } from '../../client/index.js';
import { parseAcl } from '../acl-parser.js';
import { javaParseInt } from '../cli-error.js';
import type { ShellCommand } from '../command.js';
import { aclJson, aclLine, statJson, statLines } from '../format.js';
import { clientOf, define, parse, printJson, usageError } from './define.js';
import { visitSubTreeDFS } from './tree-walk.js';

const GETACL_OPTIONS = { options: [{ name: 's', description: 'stats' }] };

const getAcl = define({
  name: 'getAcl',
  usage: '[-s] path',
  summary: "print a node's ACL, two lines per entry ('scheme,'id then : perms); -s adds its stat",
  pathArg: 0,
  async java(argv, ctx) {
    const cl = parse(GETACL_OPTIONS, argv);
    if (cl.args.length < 2) throw usageError(this);
    const path = cl.args[1]!;
    const { acl, stat } = await clientOf(ctx).getACL(path);
    if (ctx.json) return printJson(ctx, cl.has('s') ? { path, acl: acl.map(aclJson), stat: statJson(stat) } : { path, acl: acl.map(aclJson) });
    for (const entry of acl) ctx.output.out(aclLine(entry));
    if (cl.has('s')) for (const line of statLines(stat)) ctx.output.out(line);
  },
});

const SETACL_OPTIONS = {
  options: [
    { name: 's', description: 'stats' },
    { name: 'v', hasArg: true, description: 'version' },
    { name: 'R', description: 'recursive' },
  ],
};

const setAcl = define({
  name: 'setAcl',
  usage: '[-s] [-v version] [-R] path acl',
  summary: 'replace the ACL of a node (scheme:id:perms[,...]); -R the whole subtree, -v only at that ACL version',
  pathArg: 0,
  async java(argv, ctx) {
    const cl = parse(SETACL_OPTIONS, argv);
    if (cl.args.length < 3) throw usageError(this);
    const path = cl.args[1]!;
    const acl: ACL[] = parseAcl(cl.args[2]!, ctx.output.err);
    const version = cl.has('v') ? javaParseInt(cl.value('v')) : -1;
    const client = clientOf(ctx);
    if (cl.has('R')) {
      // zkCli prints each failure's message without a line break.
      await visitSubTreeDFS(client, path, undefined, async (p) => {
        try {
          await client.setACL(p, acl, version);
        } catch (err) {
          if (!(err instanceof ZooKeeperError)) throw err;
          ctx.output.write(err.message);
        }
      });
      return;
    }
    const stat = await client.setACL(path, acl, version);
    if (cl.has('s')) for (const line of statLines(stat)) ctx.output.out(line);
  },
});

const NO_OPTIONS = { options: [] };

const addauth = define({
  name: 'addauth',
  usage: 'scheme auth',
  summary: 'add credentials to the session, e.g. addauth digest user:password (a rejection closes the session)',
  async java(argv, ctx) {
    const cl = parse(NO_OPTIONS, argv);
    if (cl.args.length < 2) throw usageError(this);
    const auth = cl.args.length >= 3 ? Buffer.from(cl.args[2]!, 'utf8') : null;
    // zkCli does not wait for the server's answer: a failure shows as an AuthFailed event.
    clientOf(ctx)
      .addAuthInfo(cl.args[1]!, auth as Buffer)
      .catch(() => {});
  },
});

const whoami = define({
  name: 'whoami',
  usage: '',
  summary: 'print the identities the server knows this session by',
  async java(_argv, ctx) {
    const infos = await clientOf(ctx).whoAmI();
    if (ctx.json) return printJson(ctx, { clientInfo: infos.map((i) => ({ authScheme: i.authScheme, user: i.user })) });
    ctx.output.out('Auth scheme: User');
    for (const info of infos) ctx.output.out(`${info.authScheme}: ${info.user}`);
  },
});

export const ACL_COMMANDS: ShellCommand[] = [getAcl, setAcl, addauth, whoami];
