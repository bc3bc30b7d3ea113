/**
 * Scenes answered by the widgets of components/widgets/scene-widgets.tsx (not the chat or the
 * single-label picture widget). Plain module: the server pages and the client widgets both read it.
 */
export const SCENE_WIDGET_SCENES: ReadonlySet<string> = new Set(["faq-retrieval", "entity-extraction", "recommendation", "image-tagging", "tabular-prediction"]);
