import { useTranslation } from 'react-i18next';
import { PageHeader } from '../components/ui';
import { Link } from '../router';
import { Credit, Quotas } from './settings/credit';
import { ApiKeys } from './settings/developers';
import { Subaccounts, Users } from './settings/people';
import { Profile } from './settings/profile';
import { Senders } from './settings/senders';
import { Webhooks } from './settings/webhooks';

/** Settings sections, grouped as the help pages name them ("Account > Credit"). */
export const SETTINGS_GROUPS = [
  { group: 'account', sections: ['credit', 'quotas'] },
  { group: 'sending', sections: ['senders'] },
  { group: 'developers', sections: ['api-keys', 'webhooks'] },
  { group: 'organisation', sections: ['users', 'subaccounts'] },
  { group: 'personal', sections: ['profile'] },
] as const;

const SECTIONS = { credit: Credit, quotas: Quotas, senders: Senders, 'api-keys': ApiKeys, webhooks: Webhooks, users: Users, subaccounts: Subaccounts, profile: Profile } as const;
const key = (section: string) => section.replace('-', '_');

export function Settings({ section }: { section: string }) {
  const { t } = useTranslation();
  const current = (section in SECTIONS ? section : 'credit') as keyof typeof SECTIONS;
  const Section = SECTIONS[current];
  return (
    <main id="main">
      <PageHeader title={t('settings.title')} />
      <div className="settings">
        <nav aria-label={t('settings.title')} className="side-nav">
          {SETTINGS_GROUPS.map((g) => (
            <div key={g.group}>
              <h2 className="group">{t(`settings.groups.${g.group}`)}</h2>
              <ul className="plain">
                {g.sections.map((s) => (
                  <li key={s}>
                    <Link to={`/settings/${s}`} aria-current={s === current ? 'page' : undefined}>{t(`settings.${key(s) === 'api_keys' ? 'apiKeys' : key(s)}`)}</Link>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
        <div className="section">
          <Section />
        </div>
      </div>
    </main>
  );
}
