import { ReactNode, useId } from 'react';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Typography from '@mui/material/Typography';

/**
 * A titled panel of the AI Platform page: a `region` named by its title.
 */
export function FleetPanel(props: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
}) {
  const { title, subtitle, children } = props;
  const titleId = useId();
  return (
    <Card
      component="section"
      aria-labelledby={titleId}
      sx={{ height: '100%', display: 'flex', flexDirection: 'column' }}
    >
      <CardContent sx={{ flex: 1, minWidth: 0 }}>
        <Typography variant="h6" component="h2" id={titleId}>
          {title}
        </Typography>
        {subtitle && (
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            {subtitle}
          </Typography>
        )}
        {children}
      </CardContent>
    </Card>
  );
}
