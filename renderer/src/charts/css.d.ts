// Stylesheets imported for their side effect are bundled by Vite; TypeScript only needs to know they exist.
declare module '*.css';
