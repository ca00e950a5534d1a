import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

// Query parameters whose name says they carry a secret, and values shaped
// like one (a Herald API key, a JWT) whatever their name. Herald refuses
// credentials in URLs, but the request is logged before it is refused.
const SECRET_NAME = /key|token|secret|pass|pwd|auth|sig|session|code|credential/i;
const SECRET_VALUE = /hrld_|^eyJ[\w-]+\./;
const API_KEY_ANYWHERE = /hrld_[\w-]+/g;
const CENSOR = '[redacted]';

function decoded(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

/** The URL with the values of token-like query parameters, and any API key, replaced. */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  const path = (at < 0 ? url : url.slice(0, at)).replace(API_KEY_ANYWHERE, `hrld_${CENSOR}`);
  if (at < 0) return path;
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair.replace(API_KEY_ANYWHERE, `hrld_${CENSOR}`);
      const name = pair.slice(0, eq);
      const value = decoded(pair.slice(eq + 1));
      return SECRET_NAME.test(decoded(name)) || SECRET_VALUE.test(value)
        ? `${name}=${CENSOR}`
        : pair;
    });
  return `${path}?${query.join('&')}`;
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Structured JSON logs; secrets that may pass through requests are redacted. */
export function loggerOptions(level: string, stream?: DestinationStream): LoggerOptions & { stream?: DestinationStream } {
  return {
    level,
    ...(stream && { stream }),
    serializers: {
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: redactUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
      ],
      censor: CENSOR,
    },
  };
}

export function createLogger(level = 'info'): Logger {
  return pino(loggerOptions(level));
}
