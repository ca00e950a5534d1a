import { actingAccount } from './api';

/** Downloads a file from the API with the same credentials (and account) as every other request. */
export async function download(path: string, filename: string): Promise<void> {
  const account = actingAccount();
  const res = await fetch(path, { credentials: 'same-origin', headers: account ? { 'herald-account': account } : {} });
  if (!res.ok) throw new Error(res.statusText);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
