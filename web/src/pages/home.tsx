import { useTranslation } from 'react-i18next';
import { TOOLS } from '../tools';
import { FirstRunChecklist } from '../components/first-run';
import { PageHeader } from '../components/ui';
import { Link } from '../router';
import { useSession } from '../session';

export function Home() {
  const { t } = useTranslation();
  const { session } = useSession();
  return (
    <main id="main">
      <PageHeader title={t('home.title')} />
      <p>{t('home.welcome', { name: session.user.name })}</p>
      <FirstRunChecklist />
      <ul className="tiles">
        {TOOLS.map((tool) => (
          <li key={tool}>
            <Link to={`/${tool}`} className="tile">
              <strong>{t(`tools.${tool}.name`)}</strong>
              <span>{t(`tools.${tool}.description`)}</span>
            </Link>
          </li>
        ))}
      </ul>
    </main>
  );
}
