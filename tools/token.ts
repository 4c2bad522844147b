// Prints a development JWT for a role: `npm run token -- analyst [sub]`.
// Signed HS256 with JWT_SECRET, or the LOCAL-ONLY default secret when it is unset
// (services refuse that default when NODE_ENV=production). Honours JWT_ISSUER/JWT_AUDIENCE
// and TOKEN_EXPIRES_IN (jose time span, default 12h).
import { LOCAL_DEV_JWT_SECRET, ROLES, isRole, signDevToken } from '@equihome/platform';

const [role = 'viewer', sub] = process.argv.slice(2);
if (!isRole(role)) {
  process.stderr.write(`usage: npm run token -- <${ROLES.join('|')}> [sub]\n`);
  process.exit(2);
}
const token = await signDevToken({
  role,
  sub,
  secret: process.env.JWT_SECRET || LOCAL_DEV_JWT_SECRET,
  expiresIn: process.env.TOKEN_EXPIRES_IN || '12h',
  issuer: process.env.JWT_ISSUER || undefined,
  audience: process.env.JWT_AUDIENCE || undefined,
});
process.stdout.write(`${token}\n`);
