import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../format';
import type { UsagePoint } from '../../types';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

/** Whether there is anything to draw: a month with something used, or a quota or credit left. */
export const hasUsage = (points: UsagePoint[]) =>
  points.some((p) => p.quota_used > 0 || p.provision_used > 0 || (p.quota_remaining ?? 0) > 0 || (p.provision_remaining ?? 0) > 0);

/**
 * Used and remaining per month: included SMS on the left axis, bought credit
 * on the right, each as one stacked bar. A table below says the same for
 * people who cannot see the chart.
 */
export function QuotaChart({ points, timeZone }: { points: UsagePoint[]; timeZone: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const canvas = useRef<HTMLCanvasElement>(null);
  // Each point starts a month of the account's calendar: named in its zone, not the viewer's.
  const labels = points.map((p) => f.monthIn(p.start, timeZone));

  useEffect(() => {
    const context = canvas.current?.getContext?.('2d');
    if (!context) return;
    const chart = new Chart(context, {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: t('credit.quotaUsed'), data: points.map((p) => p.quota_used), backgroundColor: '#1a5fb4', stack: 'quota', yAxisID: 'y' },
          { label: t('credit.quotaRemaining'), data: points.map((p) => p.quota_remaining ?? 0), backgroundColor: '#99c1f1', stack: 'quota', yAxisID: 'y' },
          { label: t('credit.provisionUsed'), data: points.map((p) => f.currency.fromMinor(p.provision_used)), backgroundColor: '#c64600', stack: 'provision', yAxisID: 'y1' },
          { label: t('credit.provisionRemaining'), data: points.map((p) => f.currency.fromMinor(p.provision_remaining ?? 0)), backgroundColor: '#ffbe6f', stack: 'provision', yAxisID: 'y1' },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: f.locale,
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, position: 'left', title: { display: true, text: t('credit.axisSms') } },
          y1: { stacked: true, beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: `${t('credit.axisCredit')} (${f.currency.code})` } },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    });
    return () => chart.destroy();
  }, [points, labels.join(), t, f.locale]);

  // An empty chart reads as broken: say why there is nothing to draw.
  if (!hasUsage(points)) return <p className="card" data-testid="quota-empty">{t('quotaChart.empty')}</p>;
  return (
    <figure className="chart">
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={t('credit.chartLabel')} data-testid="quota-chart" />
      </div>
      <figcaption>
        <details>
          <summary>{t('credit.asTable')}</summary>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('credit.month')}</th>
                <th scope="col">{t('credit.quotaUsed')}</th>
                <th scope="col">{t('credit.quotaRemaining')}</th>
                <th scope="col">{t('credit.provisionUsed')}</th>
                <th scope="col">{t('credit.provisionRemaining')}</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p, i) => (
                <tr key={p.start}>
                  <th scope="row">{labels[i]}</th>
                  <td>{f.number(p.quota_used)}</td>
                  <td>{p.quota_remaining === null ? '—' : f.number(p.quota_remaining)}</td>
                  <td>{f.money(p.provision_used)}</td>
                  <td>{p.provision_remaining === null ? '—' : f.money(p.provision_remaining)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
