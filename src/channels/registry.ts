import type { SmsProvider } from './channel.js';
import { smppProvider } from './sms-smpp/index.js';

/** Every provider Herald knows. Adding one is a folder under channels/ and a line here. */
export const smsProviders: readonly SmsProvider<any>[] = [smppProvider];

export function findSmsProvider(id: string): SmsProvider<any> | undefined {
  return smsProviders.find((p) => p.id === id);
}
