import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { aiPlatformCatalogGraphModule } from '@ai-platform/plugin-ai-platform';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';

export default createApp({
  // The AI Platform plugin itself is discovered from package.json (app.packages: all); its
  // catalog-graph module is not a default export, so it is listed here: it teaches the graph the
  // usesModel / modelUsedBy relations.
  features: [catalogPlugin, navModule, homeModule, aiPlatformCatalogGraphModule],
});
